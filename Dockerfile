# Capsule's container images, for people with Docker:
#   docker build --target capsule-small -t capsule-small .      (the runners without V8; about 7 MB compressed)
#   docker build --target capsule-full -t capsule-full .        (with the V8 engine backend)
# They are the images scripts/image.sh builds with buildah (the same root filesystems, from scripts/image_rootfs.sh,
# and the same settings). This file is not built by the tests: its first stage pulls debian:12 from a registry, which
# the machines of this repository cannot reach; tests/image checks the images of scripts/image.sh.

FROM debian:12 AS build
WORKDIR /src
COPY . .
RUN scripts/setup.sh \
 && scripts/build.sh -DCAPSULE_BUILD_TESTS=OFF -DCAPSULE_BUILD_BENCH=OFF \
 && scripts/image_rootfs.sh build small /rootfs/small \
 && scripts/image_rootfs.sh build full /rootfs/full

FROM scratch AS capsule-small
COPY --from=build /rootfs/small/ /
COPY --from=build --chown=10001:10001 /rootfs/small/app /app
USER 10001:10001
WORKDIR /app
ENV PATH=/usr/bin
EXPOSE 8080
LABEL org.opencontainers.image.title="capsule-small" \
      org.opencontainers.image.description="Capsule C++: WebAssembly function runners on the interp engine, without V8"
CMD ["capsule", "--help"]

FROM scratch AS capsule-full
COPY --from=build /rootfs/full/ /
COPY --from=build --chown=10001:10001 /rootfs/full/app /app
USER 10001:10001
WORKDIR /app
ENV PATH=/usr/bin
EXPOSE 8080
LABEL org.opencontainers.image.title="capsule-full" \
      org.opencontainers.image.description="Capsule C++: WebAssembly function runners with the V8 engine backend"
CMD ["capsule", "--help"]
