// Runs SQL statements on the current ClickHouse engine (chdb) in one persistent session.
// Input: a JSON file {"statements": [...], "queries": [...]}; statements must succeed,
// queries' results are printed as one JSON line each. Exit 1 on the first failure, naming it.
const fs = require("fs");
const { Session } = require("chdb");

const input = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const session = new Session(process.argv[3]);
let failed = false;
for (const sql of input.statements || []) {
  try {
    session.query(sql, "CSV");
  } catch (e) {
    console.error("FAILED: " + sql.split("\n")[0] + "\n" + e.message);
    failed = true;
    break;
  }
}
if (!failed) {
  for (const sql of input.queries || []) {
    try {
      const out = session.query(sql, "JSONCompact");
      console.log(JSON.stringify({ sql, result: JSON.parse(out).data }));
    } catch (e) {
      console.error("FAILED: " + sql + "\n" + e.message);
      failed = true;
      break;
    }
  }
}
session.cleanup ? session.close && session.close() : null;
process.exit(failed ? 1 : 0);
