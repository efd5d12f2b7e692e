import * as z from "zod";

// 3.14 had only {component, version}; package/domain_compatible/content_settings/domain_enabled came later.
export const statusSchema = z.looseObject({
  versions: z.array(
    z.looseObject({
      component: z.string(),
      version: z.string(),
      package: z.string().optional(),
      domain_compatible: z.boolean().optional(),
    }),
  ),
  online_workers: z.array(z.looseObject({ name: z.string(), last_heartbeat: z.string() })),
  online_content_apps: z.array(z.looseObject({ name: z.string(), last_heartbeat: z.string() })),
  database_connection: z.looseObject({ connected: z.boolean() }),
  redis_connection: z.looseObject({ connected: z.boolean() }).nullish(),
  storage: z.looseObject({ total: z.number().nullish(), used: z.number().nullish(), free: z.number().nullish() }).nullish(),
  content_settings: z.looseObject({ content_origin: z.string().nullish(), content_path_prefix: z.string() }).optional(),
  domain_enabled: z.boolean().optional(),
});
export type PulpStatus = z.infer<typeof statusSchema>;
