# Used by `fly deploy`. better-sqlite3 compiles here, so the build stage has the toolchain.
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/migrations ./migrations
COPY --from=build /app/twiml ./twiml
COPY package.json ./
ENV NODE_ENV=production
EXPOSE 8080
# The service runs as the unprivileged `node` user. A volume is mounted owned by root, so when started
# as root the entrypoint hands /data to `node` (0700) and drops privileges before anything else runs.
ENTRYPOINT ["/bin/sh", "-c", "if [ \"$(id -u)\" = 0 ]; then mkdir -p /data && chown node:node /data && chmod 700 /data && exec setpriv --reuid=node --regid=node --init-groups \"$@\"; else exec \"$@\"; fi", "--"]
CMD ["node", "--max-old-space-size=128", "--max-semi-space-size=8", "dist/main.js"]
