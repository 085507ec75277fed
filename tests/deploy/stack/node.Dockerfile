# lms-node:20: the debootstrapped Debian base with this machine's Node.js 20 and npm (the build
# context is made by base-images.sh: ./node, ./npm). Stands in for node:20-bookworm-slim where no
# registry is reachable: same paths for node and npm, same `node` user (1000:1000).
FROM lms-debian:bookworm
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && echo 'node:x:1000:1000::/home/node:/bin/sh' >> /etc/passwd \
 && echo 'node:x:1000:' >> /etc/group \
 && mkdir -p /home/node && chown 1000:1000 /home/node \
 && node --version && npm --version
CMD ["node"]
