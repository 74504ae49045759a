import * as React from 'react';
import { RunMonitor as RunMonitorView } from './RunMonitor';
import { contextData, contextLabel, currentUser, formRecord } from '../shared/context';
import type { IInputs, IOutputs } from './generated/ManifestTypes';

/** Maps the PCF context to RunMonitor's props; the bound summary column re-renders it after a run writes. */
export class RunMonitor implements ComponentFramework.ReactControl<IInputs, IOutputs> {
  public init(): void {
    // Nothing to set up: the component loads what it needs.
  }

  public updateView(context: ComponentFramework.Context<IInputs>): React.ReactElement {
    return React.createElement(RunMonitorView, {
      // The key re-mounts the view (and re-reads the row) when the engine writes a new summary.
      key: context.parameters.summary.raw ?? '',
      recordId: formRecord(context).id,
      data: contextData(context),
      user: currentUser(context),
      label: contextLabel(context),
    });
  }

  public getOutputs(): IOutputs {
    return {};
  }

  public destroy(): void {
    // React unmounts virtual controls; nothing else to release.
  }
}
