import * as React from 'react';
import { RunMonitor as RunMonitorView } from './RunMonitor';
import { contextData, contextLabel, currentUser, formRecord } from '../shared/context';
import type { LexData } from '../shared/data';
import type { Label } from '../shared/labels';
import type { IInputs, IOutputs } from './generated/ManifestTypes';

/** Maps the PCF context to RunMonitor's props; the bound summary column re-renders it after a run writes. */
export class RunMonitor implements ComponentFramework.ReactControl<IInputs, IOutputs> {
  // Made once: updateView runs on every form change, and new objects would make the view reload its row.
  private data!: LexData;
  private label!: Label;
  private user!: ReturnType<typeof currentUser>;

  public init(context: ComponentFramework.Context<IInputs>): void {
    this.data = contextData(context);
    this.label = contextLabel(context);
    this.user = currentUser(context);
  }

  public updateView(context: ComponentFramework.Context<IInputs>): React.ReactElement {
    return React.createElement(RunMonitorView, {
      // The key re-mounts the view (and re-reads the row) when the engine writes a new summary.
      key: context.parameters.summary.raw ?? '',
      recordId: formRecord(context).id,
      data: this.data,
      user: this.user,
      label: this.label,
    });
  }

  public getOutputs(): IOutputs {
    return {};
  }

  public destroy(): void {
    // React unmounts virtual controls; nothing else to release.
  }
}
