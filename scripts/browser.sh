# Sourced by scripts/test: Debian's Chromium and ChromeDriver for the browser tests (no browser download).
# Installed with apt when missing and this is root; otherwise the browser tests skip and say why.
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing chromium and chromium-driver (Debian packages) for the browser tests" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null 2>&1 &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver >/dev/null 2>&1; } ||
      echo "could not install chromium: the browser tests will be skipped" >&2
  else
    echo "no /usr/bin/chromium: the browser tests will be skipped (apt-get install chromium chromium-driver)" >&2
  fi
fi
