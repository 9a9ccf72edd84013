import { describe, expect, it } from '@jest/globals';
import { brandOf } from '@reauth/email';
import { LANDING_CSP, landingPage, messagePage } from './pages.js';

const brand = brandOf({ BRAND_NAME: '<script>alert(1)</script> "Acme"', BRAND_LOGO_URL: 'https://cdn.acme.example/logo.png', BRAND_COLOR: '#0f766e', SUPPORT_URL: 'https://help.acme.example/' });
const landing = { service: 'salesforce', account: 'CRM', items: ['Nightly sync'], buttons: [{ label: 'Reconnect salesforce' }] };

describe('the landing page and its message pages carry the brand', () => {
  it('shows the logo, colour and support link, the brand name escaped', () => {
    for (const html of [landingPage({ landing, action: '/reauth/t', formKey: 'k', nonce: 'n', brand }), messagePage(brand, 'This link has expired', 'Please sign in to the app.')]) {
      expect(html).toContain('<img src="https://cdn.acme.example/logo.png" alt="&lt;script&gt;alert(1)&lt;/script&gt; &quot;Acme&quot;"');
      expect(html).toContain('border-top: 4px solid #0f766e');
      expect(html).toContain('href="https://help.acme.example/"');
      expect(html).not.toContain('<script>alert');
    }
    expect(landingPage({ landing, action: '/reauth/t', formKey: 'k', nonce: 'n', brand })).toContain('background: #0f766e');
  });

  it('lets the page load the logo from its origin and no other image', () => {
    expect(LANDING_CSP('n', brand)).toContain("img-src https://cdn.acme.example;");
    expect(LANDING_CSP('n', brandOf({}))).not.toContain('img-src');
  });
});
