import type { ComponentServer } from '../component-server.ts';

/** The options of a network server that decide whether `/udf` may be exposed. */
export interface UdfExposureOptions {
  readonly token?: string | undefined;
  readonly allowUnauthenticatedUdf?: boolean | undefined;
}

/**
 * Enforces the rule every network server of the SDK follows: `/udf` runs arbitrary JavaScript
 * sent by the client, so serving it on a socket without a token would hand code execution to
 * any process (or, off loopback, any host) that can connect. Refuses to start unless a token is
 * set or the caller opted in with `allowUnauthenticatedUdf`; the opt-in prints a warning.
 *
 * @throws TypeError for an empty token (it would read as "no authentication").
 * @throws Error when `/udf` is on, no token is set and there is no opt-in.
 */
export function checkUdfExposure(
  server: ComponentServer,
  options: UdfExposureOptions,
  serve: 'serveHttp' | 'serveWebSocket',
  address: string,
): void {
  if (options.token !== undefined && options.token === '') {
    throw new TypeError(`${serve}: token must not be empty`);
  }
  if (!server.udfEnabled || options.token !== undefined) return;
  if (options.allowUnauthenticatedUdf !== true) {
    throw new Error(
      `${serve}: refusing to serve '${server.name}' on ${address} without a token: its built-in ` +
        '/udf component runs arbitrary code sent by whoever connects. Set `token`, turn /udf off ' +
        'with `createComponentServer({ udf: false })`, or accept the risk with ' +
        '`allowUnauthenticatedUdf: true`.',
    );
  }
  process.stderr.write(
    `warning: ${serve}: '${server.name}' serves /udf on ${address} without a token: any process ` +
      'that can connect can run arbitrary code in this server.\n',
  );
}
