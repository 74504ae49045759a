import * as React from 'react';
import { RecordDiff as RecordDiffView } from './RecordDiff';
import { contextData, contextLabel, currentUser, formRecord } from '../shared/context';
import type { IInputs, IOutputs } from './generated/ManifestTypes';

/** Maps the PCF context to RecordDiff's props; everything else lives in the component. */
export class RecordDiff implements ComponentFramework.ReactControl<IInputs, IOutputs> {
  private notifyOutputChanged!: () => void;

  public init(context: ComponentFramework.Context<IInputs>, notifyOutputChanged: () => void): void {
    this.notifyOutputChanged = notifyOutputChanged;
  }

  public updateView(context: ComponentFramework.Context<IInputs>): React.ReactElement {
    const record = formRecord(context);
    return React.createElement(RecordDiffView, {
      table: record.table,
      recordId: record.id,
      snapshot: context.parameters.snapshot.raw,
      data: contextData(context),
      user: currentUser(context),
      label: contextLabel(context),
      onReviewed: () => this.notifyOutputChanged(),
    });
  }

  public getOutputs(): IOutputs {
    return {};
  }

  public destroy(): void {
    // React unmounts virtual controls; nothing else to release.
  }
}
