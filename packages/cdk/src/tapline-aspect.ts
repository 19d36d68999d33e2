import { Annotations, type IAspect } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import type { Tapline } from './tapline.js';

export interface InstrumentAllOptions {
  /** Instrument only the functions this returns true for (e.g. to leave out custom-resource handlers). */
  filter?: (fn: lambda.Function) => boolean;
}

/** Instruments every Lambda function it visits; one that cannot be instrumented gets a synthesis warning. */
export class InstrumentWithTapline implements IAspect {
  constructor(
    private readonly tapline: Tapline,
    private readonly options: InstrumentAllOptions = {},
  ) {}

  visit(node: IConstruct): void {
    if (!(node instanceof lambda.Function)) return;
    if (this.options.filter !== undefined && !this.options.filter(node)) return;
    const refused = this.tapline.refusal(node);
    if (refused !== undefined) {
      Annotations.of(node).addWarningV2('@tapline/cdk:not-instrumented', `Tapline skipped it: ${refused}`);
      return;
    }
    this.tapline.instrument(node);
  }
}
