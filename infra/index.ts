import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig } from "./config";
import { defineStack } from "./program";

// Pulumi turns the exports of this module into the stack's outputs.
export = defineStack(loadStackConfig(), pulumi.getStack());
