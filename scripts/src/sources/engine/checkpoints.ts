/**
 * Where checkpoints live between runs. Staging implements it in its SQLite file (so a checkpoint
 * commits in the same transaction as the records before it); the in-memory one is for tests and
 * for `discover`.
 */
import type { Checkpoint } from '../contract';

export interface CheckpointStore {
  get(entity: string): Checkpoint | undefined;
  put(entity: string, checkpoint: Checkpoint): void;
  /** Marks an entity read to its end (a rerun skips it unless it is a delta). */
  complete(entity: string): void;
  isComplete(entity: string): boolean;
}

export class MemoryCheckpointStore implements CheckpointStore {
  private readonly checkpoints = new Map<string, Checkpoint>();
  private readonly done = new Set<string>();
  get(entity: string): Checkpoint | undefined {
    return this.checkpoints.get(entity);
  }
  put(entity: string, checkpoint: Checkpoint): void {
    this.checkpoints.set(entity, checkpoint);
  }
  complete(entity: string): void {
    this.done.add(entity);
  }
  isComplete(entity: string): boolean {
    return this.done.has(entity);
  }
}
