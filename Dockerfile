# syntax=docker/dockerfile:1
# One image for every reauth role; the role is picked at start:
#   docker run reauth start --roles notify        (or REAUTH_ROLES=notify)
# The app is an esbuild bundle of apps/cli (workspace packages inside, npm packages beside it in a
# hoisted production node_modules). See docs/deploy.md.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS pnpm
# Same pnpm major as the lockfile; installed with npm because corepack cannot always fetch it.
RUN npm i -g pnpm@10
WORKDIR /src

# Full install (dev dependencies too: the build needs esbuild), the bundle, then the production
# dependencies of @reauth/cli laid out flat in /prod, which is what the bundle resolves against.
# compose.dev.yml also runs the simulated Tray from this stage.
FROM pnpm AS build
# From the lockfile alone, so editing sources does not refetch packages.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
RUN pnpm install --offline --frozen-lockfile \
 && pnpm build \
 && pnpm --filter @reauth/cli --config.inject-workspace-packages=true --config.node-linker=hoisted \
      deploy --prod --offline /prod

FROM ${NODE_IMAGE} AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and so read-only to the app user.
COPY --from=build /prod/node_modules ./node_modules
COPY --from=build /prod/dist ./dist
# The ingress spool's mount point: a new named volume copies this ownership, so the app user can write.
RUN mkdir -p /var/lib/reauth/spool && chown 1000:1000 /var/lib/reauth/spool
# Numeric (the base image's `node` user), so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 3000 3001
# Roles come from REAUTH_ROLES or the --roles the container was started with.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["node", "dist/healthcheck.mjs"]
# tini as PID 1 forwards SIGTERM to node (which drains its jobs) and reaps zombies.
ENTRYPOINT ["tini", "--", "node", "--enable-source-maps", "dist/main.mjs"]
CMD ["start"]
