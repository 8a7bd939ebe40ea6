package dev.segmentflow.analytics.recs;

import dev.segmentflow.schemas.events.AssetCatalogueEntry;
import java.io.Serializable;

/** What the recommender needs of a catalogue entry; a plain class so Flink can copy it. */
public final class Title implements Serializable {
  private static final long serialVersionUID = 1L;

  public String assetId;
  public String genre;
  public String creator;
  public double durationSeconds;
  public long publishedAtMillis;
  public boolean live;

  public static Title of(AssetCatalogueEntry e) {
    Title t = new Title();
    t.assetId = e.assetId();
    t.genre = e.genre();
    t.creator = e.creator();
    t.durationSeconds = e.durationSeconds();
    t.publishedAtMillis = e.publishedAtMillis();
    t.live = e.live();
    return t;
  }
}
