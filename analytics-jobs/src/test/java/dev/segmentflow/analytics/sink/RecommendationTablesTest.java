package dev.segmentflow.analytics.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segmentflow.analytics.recs.Recommendation;
import dev.segmentflow.analytics.recs.RecommendationList;
import dev.segmentflow.localservices.ClickHouseServer;
import dev.segmentflow.schemas.clickhouse.ClickHouseJdbc;
import dev.segmentflow.schemas.clickhouse.ClickHouseMigrator;
import dev.segmentflow.testkit.RealServices;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A viewer's list is replaced whole in ClickHouse, however the lists before it looked. */
@ExtendWith(RealServices.class)
class RecommendationTablesTest {
  static final String DB = "recs_lists_test";
  static final long T0 = 1_764_000_000_000L;

  static RecommendationList list(String viewer, long at, String... assets) {
    List<Recommendation> items = new ArrayList<>();
    for (int i = 0; i < assets.length; i++) {
      items.add(new Recommendation(viewer, i + 1, assets[i], 1.0 / (i + 1), "co-viewed", at));
    }
    return RecommendationList.of(viewer, "eu", at, items);
  }

  static void write(ClickHouseServer clickHouse, RecommendationList... lists) throws Exception {
    try (Connection c = ClickHouseJdbc.connect(clickHouse.jdbcUrl(DB));
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO recommendation_lists (viewer_id, region, computed_at, asset_ids,"
                    + " scores, reasons, version) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      for (RecommendationList l : lists) {
        RecommendationTables.bindList(ps, l);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** viewer: assets by rank, from the table as readers see it. */
  static String rows(ClickHouseServer clickHouse, String viewer, boolean useFinal) {
    return clickHouse
        .query(
            "SELECT rank, asset_id FROM "
                + DB
                + ".recommendation_lists"
                + (useFinal ? " FINAL" : "")
                + " ARRAY JOIN asset_ids AS asset_id, arrayEnumerate(asset_ids) AS rank"
                + " WHERE viewer_id = '"
                + viewer
                + "' ORDER BY rank")
        .strip()
        .replace('\t', ':')
        .replace('\n', ' ');
  }

  @BeforeAll
  static void tables(ClickHouseServer clickHouse) throws Exception {
    clickHouse.query("CREATE DATABASE IF NOT EXISTS " + DB);
    try (Connection c = ClickHouseJdbc.connect(clickHouse.jdbcUrl(DB))) {
      ClickHouseMigrator.bundled().migrate(c);
    }
  }

  @Test
  void aShorterNewerListLeavesNoTailOfTheOlderOne(ClickHouseServer clickHouse) throws Exception {
    write(clickHouse, list("shrinks", T0, "a", "b", "c", "d", "e"));
    write(clickHouse, list("shrinks", T0 + 60_000, "x", "y"));
    assertThat(rows(clickHouse, "shrinks", true)).isEqualTo("1:x 2:y");
    clickHouse.query("OPTIMIZE TABLE " + DB + ".recommendation_lists FINAL");
    assertThat(rows(clickHouse, "shrinks", false)).isEqualTo("1:x 2:y");
  }

  @Test
  void anOlderListWrittenLateDoesNotReplaceANewerOne(ClickHouseServer clickHouse) throws Exception {
    write(clickHouse, list("late", T0 + 60_000, "new1", "new2"));
    write(clickHouse, list("late", T0, "old1", "old2", "old3"));
    assertThat(rows(clickHouse, "late", true)).isEqualTo("1:new1 2:new2");
  }

  @Test
  void twoListsForOneTickNeverMix(ClickHouseServer clickHouse) throws Exception {
    write(clickHouse, list("twice", T0, "a", "b", "c"));
    write(clickHouse, list("twice", T0, "p", "q"));
    String seen = rows(clickHouse, "twice", true);
    assertThat(seen).isIn("1:a 2:b 3:c", "1:p 2:q");
    clickHouse.query("OPTIMIZE TABLE " + DB + ".recommendation_lists FINAL");
    assertThat(rows(clickHouse, "twice", false)).isEqualTo(seen);
  }
}
