#!/usr/bin/env bash
# Mail import throughput: generates an mbox of N messages (default 3000: the mail module's
# fixtures, then generated reports in Russian and English, a third of them replies to earlier
# ones, a few robots), starts a Release triaged on a fresh database, runs `triagectl
# import-mail` against it and prints messages/s. Uses build-bench/ (built with Release, as
# bench/run does) unless BUILD points elsewhere.
#
#   bench/import_mail.sh [N]
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
build=${BUILD:-$root/build-bench}
count=${1:-3000}
[ -x "$build/bin/triaged" ] && [ -x "$build/bin/triagectl" ] || {
  echo "bench/import_mail.sh: no Release build in $build; build it with:" >&2
  echo "  cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF && cmake --build build-bench --target triaged triagectl" >&2
  exit 2
}
work=$(mktemp -d)
daemon_pid=""
cleanup() {
  [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

python3 - "$root/tests/mail/testdata" "$count" > "$work/backlog.mbox" <<'PY'
import os, sys
fixtures, count = sys.argv[1], int(sys.argv[2])
out = sys.stdout.buffer
def put(raw: bytes):
    out.write(b"From import@bench.example Mon Dec  7 10:00:00 2026\n")
    for line in raw.splitlines(keepends=True):
        out.write(b">" + line if line.startswith(b"From ") else line)
    if not raw.endswith(b"\n"): out.write(b"\n")
    out.write(b"\n")
n = 0
for name in sorted(os.listdir(fixtures)):
    put(open(os.path.join(fixtures, name), "rb").read()); n += 1
texts = [
    ("Курьер не приехал", "Здравствуйте! Заказ {o} так и не привезли, курьер не звонил. Телефон +7 916 204-{p:02d}-81."),
    ("Хочу вернуть деньги", "Прошу вернуть деньги за заказ {o}, товар не подошёл."),
    ("Wrong item delivered", "Hello, order {o} came with the wrong colour. Please help."),
    ("Не могу войти в личный кабинет", "Пароль не подходит, восстановление не приходит на почту."),
]
i = 0
while n < count:
    subject, body = texts[i % len(texts)]
    order = 40000000 + i
    headers = f"From: Customer {i} <customer{i % 700}@example.com>\nTo: support@shop.example\nMessage-ID: <bench-{i}@example.com>\n"
    if i % 3 == 2:
        headers += f"In-Reply-To: <bench-{i - 2}@example.com>\n"; subject = "Re: " + subject
    if i % 50 == 7:
        headers += "Auto-Submitted: auto-replied\n"; subject = "Out of office: " + subject
    raw = (headers + f"Subject: {subject}\nDate: Mon, 7 Dec 2026 10:00:00 +0300\nMIME-Version: 1.0\n"
           "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
           + body.format(o=order, p=i % 100) + "\n").encode()
    put(raw); n += 1; i += 1
PY

"$build/bin/triaged" --listen 127.0.0.1:0 --db "$work/t.db" > "$work/daemon.out" 2> "$work/daemon.err" &
daemon_pid=$!
port=""
for _ in $(seq 100); do
  port=$(grep -ho 'listening on 127\.0\.0\.1:[0-9]*' "$work/daemon.out" "$work/daemon.err" 2>/dev/null | head -1 | sed 's/.*://') || true
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "bench/import_mail.sh: triaged did not start:" >&2; cat "$work/daemon.err" >&2; exit 1; }

start=$(date +%s.%N)
"$build/bin/triagectl" import-mail --mbox "$work/backlog.mbox" --url "http://127.0.0.1:$port" \
  --mailbox support@shop.example --quiet > "$work/summary.txt" || true
end=$(date +%s.%N)
cat "$work/summary.txt"
messages=$(grep -o '^[0-9]* messages' "$work/summary.txt" | cut -d' ' -f1)
python3 -c "import sys; m, s = int(sys.argv[1]), float(sys.argv[2]) - float(sys.argv[3]); print(f'import-mail: {m} messages in {s:.1f} s = {m / s:.0f} messages/s')" \
  "$messages" "$end" "$start"
start=$(date +%s.%N)
"$build/bin/triagectl" import-mail --mbox "$work/backlog.mbox" --url "http://127.0.0.1:$port" \
  --mailbox support@shop.example --quiet --state "$work/again.state" > "$work/again.txt" || true
end=$(date +%s.%N)
python3 -c "import sys; m, s = int(sys.argv[1]), float(sys.argv[2]) - float(sys.argv[3]); print(f'second import (all duplicates): {m} messages in {s:.1f} s = {m / s:.0f} messages/s')" \
  "$messages" "$end" "$start"
grep 'already imported' "$work/again.txt"
