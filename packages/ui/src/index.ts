// Public API of @stepflow/ui: every export is listed here by name.
import { fileURLToPath } from 'node:url';

/**
 * The directory of the web UI's static files (index.html and hashed assets), for a server to
 * serve at `/`. The app itself speaks only the public REST API.
 */
export const uiAssetsDirectory: string = fileURLToPath(new URL('./app', import.meta.url));
