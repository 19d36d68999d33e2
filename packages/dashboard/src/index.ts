// Entry for Node consumers (the server, the CLI, tests through the Vitest alias); the browser app starts at main.tsx.
export { dashboardDistDir } from '../dist-path.js';
