export const roles = ['ingress', 'token-lookup', 'instance-mapping', 'notify', 'reminders', 'journeyapps-sweep', 'journeyapps-force', 'events', 'dashboard'] as const;
export type Role = (typeof roles)[number];

export function parseRoles(list: string | undefined): Role[] {
  if (!list || list === 'all') return [...roles];
  const wanted = list.split(',').map((r) => r.trim()).filter(Boolean);
  const unknown = wanted.filter((r) => !(roles as readonly string[]).includes(r));
  if (unknown.length > 0) {
    throw new Error(`unknown role(s): ${unknown.join(', ')}. Known roles: ${roles.join(', ')}`);
  }
  return [...new Set(wanted)] as Role[];
}
