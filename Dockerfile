# p2p-chat in a container: `docker compose run --rm chat-node` (see README.md, "Docker").
#
# Stage 1 builds with the same make steps as a Debian machine: `make rootfs` = `make static` (the Debian build
# packages, then a release build with the Swift runtime linked in, stripped) + scripts/rootfs.sh, which gathers
# the image's whole file system: the binary, the shared libraries it links (glibc, libsodium, ncursesw, SQLite,
# libstdc++), terminfo, zoneinfo, the themes, and a passwd with the non-root `chat` user. Stage 2 is that tree
# on `scratch`: no shell, no package manager (ImageRootfsTests runs p2p-chat in such a tree with chroot).
ARG SWIFT_IMAGE=swift:6.3.1-bookworm

FROM ${SWIFT_IMAGE} AS build
WORKDIR /src
# make's `deps` step first, on its own layer: the package list changes rarely.
COPY Makefile ./
RUN make deps
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
COPY bench ./bench
COPY themes ./themes
COPY scripts ./scripts
RUN make rootfs

FROM scratch
COPY --from=build /src/.build/rootfs/ /
# The data directory: 0700, owned by `chat` (uid/gid 10001 in the tree's /etc/passwd).
COPY --from=build --chown=10001:10001 /src/.build/rootfs-data/ /data/
ENV LANG=C.UTF-8 \
    DATA_DIR=/data \
    CHAT_TOPIC=p2p-chat-default
# One data directory serves one process (p2p-chat locks it): each container gets its own volume.
VOLUME ["/data"]
USER 10001:10001
WORKDIR /data
# A fixed port inside the container, so `-p 4001:4001` can publish it; mDNS uses UDP 5353 on the network.
EXPOSE 4001/tcp
ENTRYPOINT ["/usr/local/bin/p2p-chat"]
CMD ["--listen", "/ip4/0.0.0.0/tcp/4001"]
