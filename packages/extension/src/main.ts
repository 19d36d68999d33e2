import { startExtension } from './extension.js';
import { createLogger, parseLogLevel } from './logger.js';

/** The bundle entry: start, serve until SHUTDOWN, exit 0. */
const log = createLogger({ level: parseLogLevel(process.env.TAPLINE_LOG_LEVEL) ?? 'info' });
try {
  const extension = await startExtension({ env: process.env, logger: log });
  process.once('SIGTERM', () => {
    void extension.stop().finally(() => process.exit(0));
  });
  // Only a SHUTDOWN ends the process: otherwise the runtime still needs the proxy.
  if ((await extension.done) === 'shutdown') {
    await extension.stop(0);
    process.exit(0);
  }
} catch (error) {
  log.error('tapline extension failed to start', {
    error: error instanceof Error ? error.message : String(error),
  });
  process.exit(1);
}
