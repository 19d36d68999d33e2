export { CliError, CliErrorCode } from './errors.js';
export { buildProgram } from './program.js';
