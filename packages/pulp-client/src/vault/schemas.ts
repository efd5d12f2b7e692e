// zod schemas of the Vault responses the client reads (HashiCorp Vault HTTP API).
import * as z from "zod";

const pem = z.string().includes("-----BEGIN CERTIFICATE-----");

export const vaultErrorBodySchema = z.object({ errors: z.array(z.string()) });

export const vaultAuthResponseSchema = z.object({
  auth: z.object({
    client_token: z.string().min(1),
    accessor: z.string().optional(),
    policies: z.array(z.string()).nullish(),
    token_policies: z.array(z.string()).nullish(),
    lease_duration: z.number().int().nonnegative(),
    renewable: z.boolean().optional(),
  }),
});

export const vaultTokenLookupSchema = z.object({
  data: z.object({
    policies: z.array(z.string()).nullish(),
    ttl: z.number().int().nonnegative(),
    expire_time: z.string().nullish(),
    display_name: z.string().optional(),
    renewable: z.boolean().optional(),
  }),
});

export const vaultIssueResponseSchema = z.object({
  data: z.object({
    certificate: pem,
    issuing_ca: pem,
    ca_chain: z.array(pem).nullish(),
    private_key: z.string().includes("PRIVATE KEY"),
    private_key_type: z.string(),
    serial_number: z.string().regex(/^[0-9a-f]{2}(?::[0-9a-f]{2})*$/i),
    expiration: z.number().int().positive(),
  }),
  warnings: z.array(z.string()).nullish(),
});

export const vaultCertResponseSchema = z.object({
  data: z.object({
    certificate: pem,
    // `cert/ca_chain` carries the chain here on Vault ≥1.11 (a string, or a list on some versions).
    ca_chain: z.union([z.string(), z.array(z.string())]).nullish(),
  }),
});
