"""PyMySQL peer for tests/clients/drivers_test.ts: argv = port user password database."""
import sys

import pymysql

port, user, password, database = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]


def show(rows):
    for row in rows:
        print("|".join("NULL" if v is None else str(v) for v in row))


conn = pymysql.connect(host="127.0.0.1", port=port, user=user, password=password,
                       database=database, charset="utf8mb4")
with conn.cursor() as cur:
    for start in (1, 2):
        cur.execute("SELECT id, name, amount FROM t WHERE id >= %s AND id < 100 ORDER BY id", (start,))
        show(cur.fetchall())
        print("--")
    n = cur.execute("INSERT INTO t (id, name, amount) VALUES (%s, %s, %s)",
                    (101, "py 'q' \\ ☃", "1.50"))
    print("inserted", n)
    conn.commit()
    cur.execute("SELECT id, name, amount FROM t WHERE id = %s", (101,))
    show(cur.fetchall())
conn.close()

try:
    pymysql.connect(host="127.0.0.1", port=port, user=user, password=password + "x",
                    database=database)
    print("wrong password accepted")
except pymysql.err.OperationalError as err:
    print("denied", err.args[0])
