import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { Config } from './config';

/**
 * The Content-Security-Policy of every response. The built client has no inline script
 * or style element (dist/index.html loads /assets only), so scripts and style sheets come
 * from our origin alone. Style *attributes* stay allowed: ProseMirror and the collaboration
 * carets set them with setAttribute. `connect-src 'self'` covers ws:/wss: to our own host
 * (CSP3), which is where the collab sockets go.
 */
export const contentSecurityPolicy = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  styleSrcAttr: ["'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/**
 * Security headers on every response (pages, assets, API, exports, errors, /healthz):
 * the CSP above, nosniff, no framing, and HSTS only when PUBLIC_ORIGIN is https.
 * Referrer-Policy is strict-origin-when-cross-origin, not no-referrer: under no-referrer
 * a browser sends `Origin: null` on same-origin POSTs, which the Origin check refuses;
 * invitation links carry their token in the path, and this policy never sends a path
 * to another origin.
 */
export function securityHeaders(config: Pick<Config, 'publicOrigin'>): MiddlewareHandler {
  const https = config.publicOrigin?.startsWith('https://') ?? false;
  return secureHeaders({
    contentSecurityPolicy,
    referrerPolicy: 'strict-origin-when-cross-origin',
    xFrameOptions: 'DENY',
    strictTransportSecurity: https ? 'max-age=31536000; includeSubDomains' : false,
    permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [], usb: [] },
  });
}
