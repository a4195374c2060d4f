/** The IoT calls a convergence plan is made of: the API name and its exact SDK input. */
import type {
  AddThingToBillingGroupCommandInput,
  CreateBillingGroupCommandInput,
  CreateDynamicThingGroupCommandInput,
  DeleteBillingGroupCommandInput,
  DeleteDynamicThingGroupCommandInput,
  RemoveThingFromBillingGroupCommandInput,
  UpdateBillingGroupCommandInput,
  UpdateDynamicThingGroupCommandInput,
  AddThingToThingGroupCommandInput,
  AttachPolicyCommandInput,
  AttachThingPrincipalCommandInput,
  CreatePolicyCommandInput,
  CreateProvisioningTemplateCommandInput,
  CreateProvisioningTemplateVersionCommandInput,
  DeleteCACertificateCommandInput,
  DeleteProvisioningTemplateCommandInput,
  DeleteProvisioningTemplateVersionCommandInput,
  RegisterCACertificateCommandInput,
  RegisterCertificateCommandInput,
  UpdateCACertificateCommandInput,
  UpdateProvisioningTemplateCommandInput,
  CreatePolicyVersionCommandInput,
  CreateThingCommandInput,
  CreateThingGroupCommandInput,
  CreateThingTypeCommandInput,
  DeleteCertificateCommandInput,
  DeletePolicyCommandInput,
  DeletePolicyVersionCommandInput,
  DeleteThingCommandInput,
  DeleteThingGroupCommandInput,
  DeleteThingTypeCommandInput,
  DeprecateThingTypeCommandInput,
  DetachPolicyCommandInput,
  DetachThingPrincipalCommandInput,
  RegisterCertificateWithoutCACommandInput,
  RemoveThingFromThingGroupCommandInput,
  SetDefaultPolicyVersionCommandInput,
  UpdateCertificateCommandInput,
  UpdateThingCommandInput,
  UpdateThingGroupCommandInput,
} from "@aws-sdk/client-iot";

export interface IotApis {
  CreateThing: CreateThingCommandInput;
  UpdateThing: UpdateThingCommandInput;
  DeleteThing: DeleteThingCommandInput;
  CreateThingType: CreateThingTypeCommandInput;
  DeprecateThingType: DeprecateThingTypeCommandInput;
  DeleteThingType: DeleteThingTypeCommandInput;
  CreateThingGroup: CreateThingGroupCommandInput;
  UpdateThingGroup: UpdateThingGroupCommandInput;
  DeleteThingGroup: DeleteThingGroupCommandInput;
  AddThingToThingGroup: AddThingToThingGroupCommandInput;
  RemoveThingFromThingGroup: RemoveThingFromThingGroupCommandInput;
  RegisterCertificateWithoutCA: RegisterCertificateWithoutCACommandInput;
  UpdateCertificate: UpdateCertificateCommandInput;
  DeleteCertificate: DeleteCertificateCommandInput;
  CreatePolicy: CreatePolicyCommandInput;
  CreatePolicyVersion: CreatePolicyVersionCommandInput;
  DeletePolicyVersion: DeletePolicyVersionCommandInput;
  SetDefaultPolicyVersion: SetDefaultPolicyVersionCommandInput;
  DeletePolicy: DeletePolicyCommandInput;
  AttachPolicy: AttachPolicyCommandInput;
  DetachPolicy: DetachPolicyCommandInput;
  AttachThingPrincipal: AttachThingPrincipalCommandInput;
  DetachThingPrincipal: DetachThingPrincipalCommandInput;
  RegisterCertificate: RegisterCertificateCommandInput;
  RegisterCACertificate: RegisterCACertificateCommandInput;
  UpdateCACertificate: UpdateCACertificateCommandInput;
  DeleteCACertificate: DeleteCACertificateCommandInput;
  CreateProvisioningTemplate: CreateProvisioningTemplateCommandInput;
  UpdateProvisioningTemplate: UpdateProvisioningTemplateCommandInput;
  CreateProvisioningTemplateVersion: CreateProvisioningTemplateVersionCommandInput;
  DeleteProvisioningTemplateVersion: DeleteProvisioningTemplateVersionCommandInput;
  DeleteProvisioningTemplate: DeleteProvisioningTemplateCommandInput;
  CreateDynamicThingGroup: CreateDynamicThingGroupCommandInput;
  UpdateDynamicThingGroup: UpdateDynamicThingGroupCommandInput;
  DeleteDynamicThingGroup: DeleteDynamicThingGroupCommandInput;
  CreateBillingGroup: CreateBillingGroupCommandInput;
  UpdateBillingGroup: UpdateBillingGroupCommandInput;
  DeleteBillingGroup: DeleteBillingGroupCommandInput;
  AddThingToBillingGroup: AddThingToBillingGroupCommandInput;
  RemoveThingFromBillingGroup: RemoveThingFromBillingGroupCommandInput;
  /** Data plane: `payload` is the shadow update document. */
  UpdateThingShadow: { thingName: string; shadowName?: string; payload: Record<string, unknown> };
  DeleteThingShadow: { thingName: string; shadowName?: string };
}

export type IotApi = keyof IotApis;
export type IotCall = { [K in IotApi]: { api: K; input: IotApis[K] } }[IotApi];

export function call<K extends IotApi>(api: K, input: IotApis[K]): IotCall {
  return { api, input } as IotCall;
}
