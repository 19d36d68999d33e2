import { Argument, type Command, Option } from 'commander';
import { CliError, CliErrorCode } from '../errors.js';
import { requestTemplate, responseTemplate, type TemplateKind } from '../resolver-templates/templates.js';

interface ResolverFlags {
  field?: string;
  response?: boolean;
}

/** `tapline resolver vtl|js`: prints the AppSync request template that adds `akto_data`. */
export function registerResolver(
  program: Command,
  out: (text: string) => void = (t) => process.stdout.write(t),
): void {
  program
    .command('resolver')
    .description(
      'Print the AppSync request template for a Lambda data source that adds `akto_data` (with fieldName, ' +
        'parentTypeName and selectionSetGraphQL) so Tapline sees each GraphQL operation.',
    )
    .addArgument(
      new Argument(
        '<kind>',
        'vtl (request mapping template) or js (APPSYNC_JS resolver with request and response)',
      ).choices(['vtl', 'js']),
    )
    .option(
      '--field <name>',
      'fix the `field` the function dispatches on (default: the field being resolved)',
    )
    .addOption(new Option('--response', 'print the VTL response mapping template instead (vtl only)'))
    .action((kind: TemplateKind, flags: ResolverFlags) => {
      out(renderResolver(kind, flags));
    });
}

export function renderResolver(kind: TemplateKind, flags: ResolverFlags = {}): string {
  if (flags.response === true) {
    if (kind !== 'vtl') {
      throw new CliError(
        CliErrorCode.Usage,
        '--response is for vtl; the js template already holds response(ctx)',
      );
    }
    return responseTemplate();
  }
  try {
    return requestTemplate(kind, flags.field);
  } catch (error) {
    if (error instanceof RangeError) throw new CliError(CliErrorCode.Usage, error.message, { cause: error });
    throw error;
  }
}
