import { z } from 'zod';
import type { NotificationRecord } from '@reauth/notification';
import { createVault, type Vault } from '@reauth/vault';

/** What the email and the landing page need: the bank and the consent's expiry, nothing secret. */
export const trueLayerContextSchema = z.object({
  bank: z.string(),
  providerId: z.string(),
  consentExpiresAt: z.number(),
});
export type TrueLayerContext = z.infer<typeof trueLayerContextSchema>;

export const trueLayerContext = (record: Pick<NotificationRecord, 'context'>): TrueLayerContext => trueLayerContextSchema.parse(record.context);

/** What `/v1/reauthuri` needs, sealed in the record: the token is the secret, the rest travels with it. */
const connectionSchema = z.object({ refreshToken: z.string(), redirectUri: z.string(), state: z.string().optional() });
export type SealedConnection = z.infer<typeof connectionSchema>;

export interface ConnectionVault {
  seal(connection: SealedConnection): string;
  /** Undefined when it was sealed under another key or is missing (the notification ended). */
  open(sealed: string | undefined): SealedConnection | undefined;
}

export function connectionVault(secret: string): ConnectionVault {
  const vault: Vault = createVault(secret, 'reauth-truelayer-connection-v1');
  return {
    seal: (connection) => vault.seal(JSON.stringify(connection)),
    open(sealed) {
      const plain = sealed ? vault.open(sealed) : undefined;
      if (!plain) return undefined;
      const parsed = connectionSchema.safeParse(JSON.parse(plain));
      return parsed.success ? parsed.data : undefined;
    },
  };
}
