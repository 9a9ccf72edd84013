/** The operator's brand: the emails' header, button colour and footer, and the landing page's. */
export interface Brand {
  name?: string;
  logoUrl?: string;
  /** `#rrggbb`, checked by the env schema, so it is safe inside a style attribute. */
  color: string;
  supportUrl?: string;
}

export const DEFAULT_BRAND_COLOR = '#1a56db';

/** The BRAND_* and SUPPORT_URL settings as a Brand. */
export function brandOf(settings: { BRAND_NAME?: string | undefined; BRAND_LOGO_URL?: string | undefined; BRAND_COLOR?: string | undefined; SUPPORT_URL?: string | undefined }): Brand {
  return {
    color: settings.BRAND_COLOR ?? DEFAULT_BRAND_COLOR,
    ...(settings.BRAND_NAME ? { name: settings.BRAND_NAME } : {}),
    ...(settings.BRAND_LOGO_URL ? { logoUrl: settings.BRAND_LOGO_URL } : {}),
    ...(settings.SUPPORT_URL ? { supportUrl: settings.SUPPORT_URL } : {}),
  };
}
