import * as React from 'react';
import { MappingReview as MappingReviewView } from './MappingReview';
import { contextData, contextLabel, currentUser, formRecord } from '../shared/context';
import type { CurrentUser, LexData } from '../shared/data';
import type { Label } from '../shared/labels';
import type { IInputs, IOutputs } from './generated/ManifestTypes';

/** Maps the PCF context to MappingReview's props. */
export class MappingReview implements ComponentFramework.ReactControl<IInputs, IOutputs> {
  // Made once: updateView runs on every form change, and new objects would make the view reload.
  private data!: LexData;
  private label!: Label;
  private user!: CurrentUser;

  public init(context: ComponentFramework.Context<IInputs>): void {
    this.data = contextData(context);
    this.label = contextLabel(context);
    this.user = currentUser(context);
  }

  public updateView(context: ComponentFramework.Context<IInputs>): React.ReactElement {
    return React.createElement(MappingReviewView, {
      recordId: formRecord(context).id,
      profileJson: context.parameters.profileJson.raw,
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
