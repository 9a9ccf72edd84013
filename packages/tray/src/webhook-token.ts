import { bearerOf, secretCheck, type IntakeRequest } from '@reauth/notification';

/** Tray's settings page takes only a URL, so the secret may come as `?token=`; a Bearer header is accepted too. */
export function webhookTokenCheck(expected: string): (req: IntakeRequest) => boolean {
  const matches = secretCheck(expected);
  return (req) => matches(bearerOf(req) ?? (typeof req.query.token === 'string' ? req.query.token : undefined));
}
