import { rootCertificates } from "node:tls";
import { Agent } from "undici";

export interface TlsAgentOptions {
  /** Extra CA (PEM) trusted in addition to the system roots. */
  caCert?: string | undefined;
  /** Verify the server certificate (default true). */
  tlsVerify?: boolean | undefined;
  /** PEM client certificate and key for mTLS. */
  clientCert?: string | undefined;
  clientKey?: string | undefined;
}

/** An undici Agent for these TLS options; `ca` keeps the system roots (Node would replace them). */
export function tlsAgent(options: TlsAgentOptions): Agent {
  return new Agent({
    connect: {
      rejectUnauthorized: options.tlsVerify ?? true,
      ...(options.caCert ? { ca: [...rootCertificates, options.caCert] } : {}),
      ...(options.clientCert ? { cert: options.clientCert } : {}),
      ...(options.clientKey ? { key: options.clientKey } : {}),
    },
  });
}
