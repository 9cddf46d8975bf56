/**
 * The header a streamable HTTP server sets to identify its process; the client echoes it when
 * it POSTs back the response to a callback received on that server's SSE stream.
 */
export const INSTANCE_ID_HEADER = 'Stepflow-Instance-Id';

/**
 * The optional session header (our extension): a server with sessions enabled returns it on the
 * response to `initialize`, and the client sends it on every later POST.
 */
export const SESSION_ID_HEADER = 'Stepflow-Session-Id';
