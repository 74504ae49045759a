import * as React from 'react';
import { MappingReview as MappingReviewView } from './MappingReview';
import { contextData, contextLabel, currentUser, formRecord } from '../shared/context';
import type { IInputs, IOutputs } from './generated/ManifestTypes';

/** Maps the PCF context to MappingReview's props. */
export class MappingReview implements ComponentFramework.ReactControl<IInputs, IOutputs> {
  public init(): void {
    // Nothing to set up: the component loads what it needs.
  }

  public updateView(context: ComponentFramework.Context<IInputs>): React.ReactElement {
    return React.createElement(MappingReviewView, {
      recordId: formRecord(context).id,
      profileJson: context.parameters.profileJson.raw,
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
