package dev.segmentflow.schemas.clickhouse;

import dev.segmentflow.schemas.clickhouse.ServerVersion.Feature;
import dev.segmentflow.schemas.events.Ids;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One DDL file, {@code V<version>__<name>.sql}. A {@code -- requires: feature[, feature]} line
 * makes it apply only on servers that support those features.
 */
public record Migration(
    int version, String name, Set<Feature> requires, List<String> statements, String checksum) {
  private static final Pattern FILE = Pattern.compile("V(\\d+)__([a-z0-9_]+)\\.sql");
  private static final Pattern REQUIRES = Pattern.compile("--\\s*requires:\\s*(.+)");

  public static Migration parse(String fileName, String text) {
    Matcher m = FILE.matcher(fileName);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "migration file name must be V<n>__<name>.sql: " + fileName);
    }
    Set<Feature> requires = EnumSet.noneOf(Feature.class);
    StringBuilder sql = new StringBuilder();
    for (String line : text.split("\n")) {
      String trimmed = line.trim();
      Matcher r = REQUIRES.matcher(trimmed);
      if (r.matches()) {
        for (String f : r.group(1).split(",")) {
          requires.add(Feature.fromName(f));
        }
      } else if (!trimmed.startsWith("--")) {
        sql.append(line).append('\n');
      }
    }
    List<String> statements = new ArrayList<>();
    for (String s : sql.toString().split(";\\s*(\n|$)")) {
      if (!s.isBlank()) {
        statements.add(s.trim());
      }
    }
    return new Migration(
        Integer.parseInt(m.group(1)), m.group(2), requires, statements, Ids.of(statements));
  }

  public boolean appliesTo(ServerVersion server) {
    return requires.stream().allMatch(server::supports);
  }
}
