/*
*This is auto generated from the ControlManifest.Input.xml file
*/

// Define IInputs and IOutputs Type. They should match with ControlManifest.
export interface IInputs {
    profileJson: ComponentFramework.PropertyTypes.StringProperty;
    snapshot: ComponentFramework.PropertyTypes.StringProperty;
}
export interface IOutputs {
    profileJson?: string;
    snapshot?: string;
}
