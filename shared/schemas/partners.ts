import { z } from 'zod';
import { idSchema } from './common';

/**
 * Removing a partner (CTRY5): its sections go to `reassignTo` in the same transaction;
 * its members either move there too (`members: 'move'`) or leave the proposal
 * (`members: 'remove'`). Without these, a partner that owns sections or has members is
 * not removed (409 with the counts).
 */
export const removePartnerSchema = z
  .strictObject({ reassignTo: idSchema.optional(), members: z.enum(['move', 'remove']).optional() })
  .refine((v) => v.members !== 'move' || v.reassignTo !== undefined, { message: 'moving members needs reassignTo', path: ['members'] });
export type RemovePartnerInput = z.infer<typeof removePartnerSchema>;

/** What a call template creates (CTRY9): texts are named by the client from shared/templates in the reader's language. */
export const templateDetailSchema = z.object({
  template: z.object({
    id: z.string(),
    themes: z.array(z.string()),
    criteria: z.array(z.string()),
    rules: z.object({ minPartners: z.number(), minCountries: z.number(), pageLimit: z.number() }),
    sections: z.array(
      z.object({
        key: z.string(),
        number: z.string(),
        criterion: z.string(),
        minChars: z.number(),
        maxChars: z.number(),
        requiredItems: z.array(z.string()),
      }),
    ),
  }),
});
export type TemplateDetail = z.infer<typeof templateDetailSchema>['template'];

/** A template id in a path: the templates' ids are short kebab-case words. */
export const templateParamsSchema = z.object({ id: z.string().regex(/^[a-z0-9-]{1,100}$/, 'must be a template id') });
