package org.fedfhir.fhir.plugin;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.model.RequestPartitionId;
import ca.uhn.fhir.jpa.api.dao.IDao;
import ca.uhn.fhir.jpa.dao.TolerantJsonParser;
import ca.uhn.fhir.jpa.dao.ISearchBuilder;
import ca.uhn.fhir.jpa.dao.SearchBuilderFactory;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.dao.JpaPid;
import ca.uhn.fhir.jpa.model.entity.ResourceIndexedSearchParamToken;
import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.util.MetaUtil;
import jakarta.persistence.EntityManager;
import java.sql.Clob;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.fedfhir.study.Code;
import org.hl7.fhir.instance.model.api.IAnyResource;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;

/**
 * Reads the current version of many resources of one type out of a HAPI FHIR JPA store, in the order of
 * their database ids, for extraction. Which resources: every one of the type that is not deleted, or only
 * those that HAPI's token index lists under one of some codes of a token search parameter (what the
 * search {@code param=system|code,system|code} finds: the same hash of type, parameter, system and code).
 *
 * <p>It pages with keyset queries ({@code RES_ID > last}, never an offset) over HAPI's own tables:
 * {@code HFJ_RESOURCE} for a type, {@code HFJ_SPIDX_TOKEN}'s hash index for codes, one cursor per code,
 * merged in id order. Each page of ids is then read by one SQL query in its own read-only transaction:
 * the current version's row of {@code HFJ_RES_VER} (joined on {@code HFJ_RESOURCE.RES_VER}, deleted
 * resources left out) with its JSON, which HAPI 8 stores inline and uncompressed ({@code RES_TEXT_VC},
 * encoding {@code JSON}) on PostgreSQL and H2. The JSON is parsed outside the transaction by HAPI's own
 * tolerant parser (an Observation of the common shape by {@link ObservationJson}, which reads it as
 * HAPI's parser does at a fraction of the cost and leaves any other shape to HAPI's), and the resource
 * given its id, version, last-updated time and source as HAPI's loader gives them. A row that is not
 * inline JSON (compressed, external, a large object) or that has tags (HAPI keeps those in its tag tables)
 * is loaded by HAPI's {@link ISearchBuilder#loadResourcesByPid} instead, the loader behind every search. No entity is loaded, so Hibernate has nothing to snapshot or flush.
 * Pages are read and parsed by {@code loaders} threads while the caller's thread hands the previous page
 * to the sink, in order; at most {@code loaders + 1} pages are in memory, whatever the size of the store.
 *
 * <p>Unlike a DAO search, no search result is cached and no storage interceptor sees the read: it is the
 * site's own system read, as {@link DaoClinicalDataSource} has always done with a
 * {@code SystemRequestDetails}. The store must not be partitioned (FedFHIR's hospital is one partition).
 */
public final class JpaResourceReader {
  /** Resources per page: large enough that a query per page costs little beside parsing it. */
  public static final int PAGE = 2_000;

  private final FhirContext fhir;
  private final IHapiTransactionService transactions;
  private final EntityManager entityManager;
  private final SearchBuilderFactory<JpaPid> searchBuilders;
  private final PartitionSettings partitions;
  private final int page;
  private final int loaders;

  /**
   * @param entityManager a shared (transaction-bound) entity manager of HAPI's persistence unit
   * @param page resources per keyset query and per load
   * @param loaders threads that load and parse pages while the caller consumes the previous one
   */
  public JpaResourceReader(FhirContext fhir, IHapiTransactionService transactions, EntityManager entityManager,
      SearchBuilderFactory<JpaPid> searchBuilders, PartitionSettings partitions, int page, int loaders) {
    if (page < 1 || loaders < 1) {
      throw new IllegalArgumentException("page " + page + ", loaders " + loaders + ": each must be at least 1");
    }
    if (partitions.isPartitioningEnabled()) {
      throw new IllegalArgumentException("partitioned store: the bulk reader reads one unpartitioned store");
    }
    this.fhir = fhir;
    this.transactions = transactions;
    this.entityManager = entityManager;
    this.searchBuilders = searchBuilders;
    this.partitions = partitions;
    this.page = page;
    this.loaders = loaders;
  }

  /** The same reader with another page size (tests: several pages from a small store). */
  public JpaResourceReader withPage(int resources) {
    return new JpaResourceReader(fhir, transactions, entityManager, searchBuilders, partitions, resources, loaders);
  }

  /** Every resource of {@code type} that is not deleted, in database-id order. */
  public <T extends IBaseResource> void all(Class<T> type, String typeName, Consumer<T> sink) {
    read(type, typeName, new TypeCursor(typeName), sink);
  }

  /**
   * Every resource of {@code type} indexed under one of {@code codes} of the token search parameter
   * {@code param}, once, in database-id order.
   */
  public <T extends IBaseResource> void withToken(Class<T> type, String typeName, String param,
      Collection<Code> codes, Consumer<T> sink) {
    List<IdCursor> cursors = new ArrayList<>();
    for (Code c : codes) {
      long hash = ResourceIndexedSearchParamToken.calculateHashSystemAndValue(partitions,
          RequestPartitionId.defaultPartition(), typeName, param, c.system(), c.code());
      cursors.add(new TokenCursor(hash));
    }
    read(type, typeName, cursors.size() == 1 ? cursors.get(0) : new MergedCursor(cursors), sink);
  }

  private <T extends IBaseResource> void read(Class<T> type, String typeName, IdCursor ids, Consumer<T> sink) {
    ExecutorService pool = Executors.newFixedThreadPool(loaders, r -> {
      Thread t = new Thread(r, "fedfhir-extract-load");
      t.setDaemon(true);
      return t;
    });
    try {
      Deque<Future<List<IBaseResource>>> loading = new ArrayDeque<>();
      boolean more = true;
      while (more || !loading.isEmpty()) {
        while (more && loading.size() <= loaders) {
          List<JpaPid> pids = ids.next(page);
          if (pids.isEmpty()) {
            more = false;
          } else {
            loading.add(pool.submit(() -> load(type, typeName, pids)));
          }
        }
        if (!loading.isEmpty()) {
          for (IBaseResource r : loading.poll().get()) {
            if (ResourceMetadataKeyEnum.DELETED_AT.get((IAnyResource) r) == null) { // deleted between the id query and the load
              sink.accept(type.cast(r));
            }
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("reading " + typeName + " interrupted", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * One page: the current version's stored JSON of each live resource by one SQL query, parsed here by
   * HAPI's own (lenient) JSON parser outside the transaction; a row whose text is not inline JSON, or
   * that carries tags (kept in HAPI's tag tables, not in the JSON), is loaded by HAPI's loader instead.
   */
  private List<IBaseResource> load(Class<? extends IBaseResource> type, String typeName, List<JpaPid> pids) {
    List<Long> ids = new ArrayList<>(pids.size());
    pids.forEach(p -> ids.add(p.getId()));
    List<StoredVersion> rows = transactions.withSystemRequest().readOnly().execute(() -> {
      List<?> result = entityManager.createNativeQuery(CURRENT_VERSIONS).setParameter("first", ids.get(0))
          .setParameter("last", ids.get(ids.size() - 1)).setParameter("ids", ids).getResultList();
      List<StoredVersion> versions = new ArrayList<>(result.size());
      for (Object row : result) {
        versions.add(StoredVersion.of((Object[]) row));
      }
      return versions;
    });
    List<IBaseResource> out = new ArrayList<>(rows.size());
    List<JpaPid> other = new ArrayList<>();
    for (StoredVersion row : rows) {
      out.add(row.inlineJson() ? row.parse(fhir, type, typeName) : null);
      if (!row.inlineJson()) {
        other.add(JpaPid.fromId(row.pid()));
      }
    }
    if (!other.isEmpty()) {
      Map<Long, IBaseResource> loaded = new HashMap<>();
      ISearchBuilder<JpaPid> builder = searchBuilders.newSearchBuilder(typeName, type);
      List<IBaseResource> byHapi = transactions.withSystemRequest().readOnly()
          .execute(() -> builder.loadResourcesByPid(other, new SystemRequestDetails()));
      for (IBaseResource r : byHapi) {
        JpaPid pid = IDao.RESOURCE_PID.get(r);
        if (pid != null) {
          loaded.put(pid.getId(), r);
        }
      }
      for (int i = 0; i < rows.size(); i++) {
        if (out.get(i) == null) {
          out.set(i, loaded.get(rows.get(i).pid())); // null: deleted since the query; dropped below
        }
      }
      out.removeIf(java.util.Objects::isNull);
    }
    return out;
  }

  /**
   * The current version of each listed resource that is not deleted, in id order: HAPI keeps a row per
   * version in {@code HFJ_RES_VER} and the current version's number in {@code HFJ_RESOURCE.RES_VER}. The
   * ids are ascending; their range lets the database walk the primary key over the page only (with the
   * list alone PostgreSQL scans the whole table for a list of 2,000: a page's cost would grow with the
   * hospital).
   */
  private static final String CURRENT_VERSIONS = "SELECT r.RES_ID, r.FHIR_ID, v.RES_VER, v.RES_UPDATED,"
      + " v.RES_ENCODING, v.RES_TEXT_VC, v.HAS_TAGS, v.SOURCE_URI, v.REQUEST_ID"
      + " FROM HFJ_RESOURCE r JOIN HFJ_RES_VER v ON v.RES_ID = r.RES_ID AND v.RES_VER = r.RES_VER"
      + " WHERE r.RES_ID >= :first AND r.RES_ID <= :last AND r.RES_ID IN (:ids) AND r.RES_DELETED_AT IS NULL"
      + " ORDER BY r.RES_ID";

  /** One row of {@link #CURRENT_VERSIONS}: what HAPI's loader would read of the version, and its text. */
  private record StoredVersion(long pid, String fhirId, long version, Date updated, String encoding, String text,
      boolean hasTags, String sourceUri, String requestId) {
    static StoredVersion of(Object[] row) {
      return new StoredVersion(((Number) row[0]).longValue(), (String) row[1], ((Number) row[2]).longValue(),
          date(row[3]), (String) row[4], text(row[5]), Boolean.TRUE.equals(row[6]), (String) row[7],
          (String) row[8]);
    }

    /** Stored uncompressed as JSON in the row (HAPI 8's default on PostgreSQL and H2), without tags. */
    boolean inlineJson() {
      return "JSON".equals(encoding) && text != null && !hasTags && fhirId != null;
    }

    /**
     * As HAPI's loader parses it: an Observation of the common shape by {@link ObservationJson} (equal to
     * HAPI's parse), anything else by HAPI's tolerant parser; then id, version, last-updated and source.
     */
    IBaseResource parse(FhirContext fhir, Class<? extends IBaseResource> type, String typeName) {
      IBaseResource r = type == Observation.class ? ObservationJson.parse(text) : null;
      if (r == null) {
        r = TolerantJsonParser.createWithLenientErrorHandling(fhir, JpaPid.fromId(pid)).parseResource(type, text);
      }
      IAnyResource any = (IAnyResource) r;
      String v = Long.toString(version);
      any.setId(new IdType(typeName, fhirId, v));
      r.getMeta().setVersionId(v);
      r.getMeta().setLastUpdated(updated);
      MetaUtil.populateResourceSource(fhir, sourceUri, requestId, r);
      return r;
    }

    private static Date date(Object value) {
      if (value instanceof Date d) {
        return new Date(d.getTime());
      }
      if (value instanceof LocalDateTime t) {
        return Date.from(t.atZone(ZoneId.systemDefault()).toInstant());
      }
      if (value instanceof OffsetDateTime t) {
        return Date.from(t.toInstant());
      }
      return value == null ? null : Date.from((Instant) value);
    }

    private static String text(Object value) {
      if (value instanceof Clob clob) {
        try {
          return clob.getSubString(1, (int) clob.length());
        } catch (SQLException e) {
          throw new IllegalStateException("cannot read a stored resource's text", e);
        }
      }
      return (String) value;
    }

    @Override
    public String toString() { // never the text: it is patient data
      return "StoredVersion[pid=" + pid + ", version=" + version + ", encoding=" + encoding + "]";
    }
  }

  /** Database ids in ascending order, a page at a time; an empty page is the end. */
  private interface IdCursor {
    List<JpaPid> next(int max);
  }

  /**
   * Ids of one resource type's live resources, walking the primary key in windows of ids. Asked for ids
   * above the last page's with the type alone, a database may take HAPI's index on (type, deleted,
   * updated) and scan and sort every remaining resource of the type for each page, so a page would cost
   * more the larger the hospital (PostgreSQL did); a window ({@code RES_ID} in (after, after + span])
   * keeps each query on the primary key and costs what the window holds. The span doubles while windows
   * hold less than half a page and the walk ends at the highest id the store held when it began.
   */
  private final class TypeCursor implements IdCursor {
    private final String typeName;
    private long after = Long.MIN_VALUE;
    private long span;
    private Long end;

    TypeCursor(String typeName) {
      this.typeName = typeName;
    }

    @Override
    public List<JpaPid> next(int max) {
      if (end == null) { // the walk's bounds: the lowest and highest ids the store holds now
        Object[] bounds = transactions.withSystemRequest().readOnly().execute(() -> (Object[]) entityManager
            .createNativeQuery("SELECT MIN(r.RES_ID), MAX(r.RES_ID) FROM HFJ_RESOURCE r").getSingleResult());
        end = bounds[1] == null ? after : ((Number) bounds[1]).longValue();
        after = bounds[0] == null ? after : ((Number) bounds[0]).longValue() - 1;
        span = max;
      }
      while (after < end) {
        long upTo = end - after <= span ? end : after + span;
        List<JpaPid> pids = ids("SELECT r.RES_ID FROM HFJ_RESOURCE r WHERE r.RES_ID > ?1 AND r.RES_ID <= ?3"
            + " AND r.RES_TYPE = ?2 AND r.RES_DELETED_AT IS NULL ORDER BY r.RES_ID", after, typeName, upTo, max);
        if (pids.size() == max) { // the window holds more: the next page starts after this one
          after = pids.get(pids.size() - 1).getId();
          return pids;
        }
        after = upTo;
        if (pids.size() < max / 2) {
          span = span > Long.MAX_VALUE / 4 ? span : span * 2;
        }
        if (!pids.isEmpty()) {
          return pids;
        }
      }
      return List.of();
    }
  }

  /** Ids of the resources indexed under one token hash, through HAPI's index on (hash, id). */
  private final class TokenCursor implements IdCursor {
    private final long hash;
    private long after = Long.MIN_VALUE;

    TokenCursor(long hash) {
      this.hash = hash;
    }

    @Override
    public List<JpaPid> next(int max) {
      // HAPI removes a deleted resource's index rows, so the hash index alone answers; a resource with the
      // code twice (code and component) has two rows: consecutive in id order, kept once
      List<JpaPid> rows = ids("SELECT t.RES_ID FROM HFJ_SPIDX_TOKEN t WHERE t.HASH_SYS_AND_VALUE = ?2"
          + " AND t.RES_ID > ?1 ORDER BY t.RES_ID", after, hash, null, max);
      List<JpaPid> pids = new ArrayList<>(rows.size());
      for (JpaPid pid : rows) {
        if (pids.isEmpty() || !pids.get(pids.size() - 1).getId().equals(pid.getId())) {
          pids.add(pid);
        }
      }
      if (!pids.isEmpty()) {
        after = pids.get(pids.size() - 1).getId();
      }
      return pids;
    }
  }

  /** Several cursors merged in id order, each id once (a resource under two of the codes). */
  private static final class MergedCursor implements IdCursor {
    private final List<IdCursor> cursors;
    private final List<Deque<JpaPid>> heads = new ArrayList<>();
    private final boolean[] exhausted;

    MergedCursor(List<IdCursor> cursors) {
      this.cursors = cursors;
      this.exhausted = new boolean[cursors.size()];
      cursors.forEach(c -> heads.add(new ArrayDeque<>()));
    }

    @Override
    public List<JpaPid> next(int max) {
      List<JpaPid> out = new ArrayList<>();
      while (out.size() < max) {
        JpaPid least = null;
        for (int i = 0; i < cursors.size(); i++) {
          Deque<JpaPid> head = heads.get(i);
          if (head.isEmpty() && !exhausted[i]) {
            head.addAll(cursors.get(i).next(max));
            exhausted[i] = head.isEmpty();
          }
          if (!head.isEmpty() && (least == null || head.peek().getId() < least.getId())) {
            least = head.peek();
          }
        }
        if (least == null) {
          break;
        }
        long id = least.getId();
        heads.forEach(h -> {
          if (!h.isEmpty() && h.peek().getId() == id) {
            h.poll();
          }
        });
        out.add(least);
      }
      return out;
    }
  }

  /**
   * At most {@code max} ids that {@code sql} selects, read-only: {@code ?1} is the last id already read,
   * {@code ?2} the criterion, {@code ?3} (when {@code upTo} is not null) the highest id of the window.
   */
  private List<JpaPid> ids(String sql, long after, Object criterion, Long upTo, int max) {
    return transactions.withSystemRequest().readOnly().execute(() -> {
      jakarta.persistence.Query query = entityManager.createNativeQuery(sql).setParameter(1, after)
          .setParameter(2, criterion);
      if (upTo != null) {
        query.setParameter(3, upTo);
      }
      List<?> rows = query.setMaxResults(max).getResultList();
      List<JpaPid> pids = new ArrayList<>(rows.size());
      for (Object row : rows) {
        pids.add(JpaPid.fromId(((Number) row).longValue()));
      }
      return pids;
    });
  }
}
