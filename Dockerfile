# syntax=docker/dockerfile:1
#
# kb's container image: one static binary (CGO_ENABLED=0: the theme is
# embedded and SQLite is pure Go) on distroless/static, which adds only CA
# certificates (for PostgreSQL over TLS), time zones and a /tmp. It runs as
# a non-root user in /site, where you mount the site:
#
#   docker build -t kb .
#   docker run --rm -u "$(id -u):$(id -g)" -v "$PWD:/site" kb build
#
# The build stage runs on the builder's own platform and cross-compiles,
# so a multi-platform build (--platform linux/amd64,linux/arm64) needs no
# emulation. Release images get VERSION, COMMIT and DATE as build
# arguments (.github/workflows/release.yml); the build context has no .git
# (.dockerignore), so without them kb version says "devel".
# Checked by TestDockerfile (dockerfile_test.go).

# GO_VERSION is the Go of the build stage, at least go.mod's.
ARG GO_VERSION=1.26.8

FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG TARGETOS TARGETARCH VERSION COMMIT DATE
RUN CGO_ENABLED=0 GOOS="$TARGETOS" GOARCH="$TARGETARCH" go build -trimpath \
    -ldflags="-s -w -X main.version=$VERSION -X main.commit=$COMMIT -X main.date=$DATE" \
    -o /out/kb ./cmd/kb

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/kb /usr/local/bin/kb
# distroless's "nonroot" user; docker run -u "$(id -u):$(id -g)" runs as
# you instead, so that what kb writes in the mounted site is yours.
USER 65532:65532
WORKDIR /site
# kb serve --addr 0.0.0.0:1313 (with docker run -p 1313:1313)
EXPOSE 1313
ENTRYPOINT ["/usr/local/bin/kb"]
CMD ["--help"]
