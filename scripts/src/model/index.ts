/** The canonical legal model (pure: runs in the CLI and inside Dynamics). */
export * from './keys';
export * from './records';
export * from './parse';
export * from './quality';
export * from './stable-json';
