#!/usr/bin/env bash
# Installs what StatusDesk needs on Debian 12 (only the packages that are missing).
set -euo pipefail
# desktop-file-utils, appstream: tst_resources runs desktop-file-validate and appstreamcli validate (issue 13).
packages=(build-essential cmake ninja-build pkg-config
          desktop-file-utils appstream
          qt6-base-dev qt6-httpserver-dev qt6-websockets-dev libqt6sql6-sqlite libqt6sql6-psql libgl-dev
          qt6-qpa-plugins fonts-dejavu-core
          nginx-light curl openssl xvfb xauth
          postgresql
          sqlite3 libsqlite3-dev
          libcurl4-openssl-dev python3-aiosmtpd
          tinyproxy libnss-wrapper
          chromium
          dbus-daemon python3-dbus python3-gi
          poppler-utils)
# libcurl4-openssl-dev: quarantine emails go out with libcurl's SMTP (issue 12). python3-aiosmtpd: the email
# tests' real SMTP server on loopback (tests/support/smtpsink.py); openssl makes its throw-away certificate.
# sqlite3: bench/report_bench.py fills its million-attempt store with SQL and times `sqlite3 -csv` as the peer.
# libsqlite3-dev: exports read rows with SQLite's own API on the Qt driver's connection (models/sqliterows.h).
# postgresql: the tests' "_pg" variants run initdb/pg_ctl from /usr/lib/postgresql/<version>/bin into a
# throw-away cluster of their own (tests/support/pgcluster.sh, on a free loopback port). Debian may also
# create and start its system cluster (15/main on 5432); nothing here uses it.
# tinyproxy (tests only): tst_proxy delivers webhooks through a real forward proxy that it starts on loopback.
# libnss-wrapper (tests only): tst_failover preloads it so the CLI resolves a test name to two loopback
# addresses from a hosts file of the test's own (/etc/hosts is the machine's).
# chromium (tests only): tst_statuspage screenshots the public status page headless; tst_publicapi runs the
# @statuspage/status-widget web component in it.
# dbus-daemon, python3-dbus, python3-gi (tests only): tst_alerts runs under dbus-run-session with a small
# desktop notification server (tests/support/notifylistener.py) that records every Notify the console sends.
# poppler-utils (tests only): tst_reports reads an exported PDF back with pdfinfo and pdftotext, independent of Qt
# (page count, "Page i of n" on each page).
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm run the signature check against the standardwebhooks reference library (tests only).
# A machine that already has node (Debian's or another) keeps it.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    missing+=(nodejs npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
