# lms-postgres:15: Debian's PostgreSQL 15 on the debootstrapped base, with a stand-in for the
# official postgres image's entrypoint (postgres-entrypoint.sh), for where no registry is reachable.
FROM lms-debian:bookworm
# No `main` cluster at install time: the entrypoint makes the data directory on the volume.
RUN mkdir -p /etc/postgresql-common/createcluster.d \
 && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/no-main-cluster.conf \
 && apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
VOLUME /var/lib/postgresql/data
EXPOSE 5432
# Fast shutdown: the services' pools would hold a smart (SIGTERM) shutdown open.
STOPSIGNAL SIGINT
ENTRYPOINT ["docker-entrypoint.sh"]
