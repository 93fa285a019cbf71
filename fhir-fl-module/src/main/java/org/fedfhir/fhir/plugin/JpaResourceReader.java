package org.fedfhir.fhir.plugin;

import ca.uhn.fhir.interceptor.model.RequestPartitionId;
import ca.uhn.fhir.jpa.dao.ISearchBuilder;
import ca.uhn.fhir.jpa.dao.SearchBuilderFactory;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.dao.JpaPid;
import ca.uhn.fhir.jpa.model.entity.ResourceIndexedSearchParamToken;
import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import jakarta.persistence.EntityManager;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.fedfhir.study.Code;
import org.hl7.fhir.instance.model.api.IAnyResource;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Reads the current version of many resources of one type out of a HAPI FHIR JPA store, in the order of
 * their database ids, for extraction. Which resources: every one of the type that is not deleted, or only
 * those that HAPI's token index lists under one of some codes of a token search parameter (what the
 * search {@code param=system|code,system|code} finds: the same hash of type, parameter, system and code).
 *
 * <p>It pages with keyset queries ({@code RES_ID > last}, never an offset) over HAPI's own tables:
 * {@code HFJ_RESOURCE} for a type, {@code HFJ_SPIDX_TOKEN}'s hash index for codes, one cursor per code,
 * merged in id order. Each page of ids is loaded by HAPI's {@link ISearchBuilder#loadResourcesByPid}
 * (the loader behind every search: encodings, tags, metadata) in its own read-only transaction, so
 * Hibernate neither snapshots nor flushes what it loaded and forgets it when the page ends. Pages are
 * loaded and parsed by {@code loaders} threads while the caller's thread hands the previous page to the
 * sink, in order; at most {@code loaders + 1} pages are in memory, whatever the size of the store.
 *
 * <p>Unlike a DAO search, no search result is cached and no storage interceptor sees the read: it is the
 * site's own system read, as {@link DaoClinicalDataSource} has always done with a
 * {@code SystemRequestDetails}. The store must not be partitioned (FedFHIR's hospital is one partition).
 */
public final class JpaResourceReader {
  /** Resources per page: large enough that a query per page costs little beside parsing it. */
  public static final int PAGE = 2_000;

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
  public JpaResourceReader(IHapiTransactionService transactions, EntityManager entityManager,
      SearchBuilderFactory<JpaPid> searchBuilders, PartitionSettings partitions, int page, int loaders) {
    if (page < 1 || loaders < 1) {
      throw new IllegalArgumentException("page " + page + ", loaders " + loaders + ": each must be at least 1");
    }
    if (partitions.isPartitioningEnabled()) {
      throw new IllegalArgumentException("partitioned store: the bulk reader reads one unpartitioned store");
    }
    this.transactions = transactions;
    this.entityManager = entityManager;
    this.searchBuilders = searchBuilders;
    this.partitions = partitions;
    this.page = page;
    this.loaders = loaders;
  }

  /** The same reader with another page size (tests: several pages from a small store). */
  public JpaResourceReader withPage(int resources) {
    return new JpaResourceReader(transactions, entityManager, searchBuilders, partitions, resources, loaders);
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

  private List<IBaseResource> load(Class<? extends IBaseResource> type, String typeName, List<JpaPid> pids) {
    ISearchBuilder<JpaPid> builder = searchBuilders.newSearchBuilder(typeName, type);
    return transactions.withSystemRequest().readOnly()
        .execute(() -> builder.loadResourcesByPid(pids, new SystemRequestDetails()));
  }

  /** Database ids in ascending order, a page at a time; an empty page is the end. */
  private interface IdCursor {
    List<JpaPid> next(int max);
  }

  /** Ids of one resource type's live resources, from the primary key upwards. */
  private final class TypeCursor implements IdCursor {
    private final String typeName;
    private long after = Long.MIN_VALUE;

    TypeCursor(String typeName) {
      this.typeName = typeName;
    }

    @Override
    public List<JpaPid> next(int max) {
      List<JpaPid> pids = ids("SELECT r.RES_ID FROM HFJ_RESOURCE r WHERE r.RES_ID > ?1 AND r.RES_TYPE = ?2"
          + " AND r.RES_DELETED_AT IS NULL ORDER BY r.RES_ID", after, typeName, max);
      if (!pids.isEmpty()) {
        after = pids.get(pids.size() - 1).getId();
      }
      return pids;
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
          + " AND t.RES_ID > ?1 ORDER BY t.RES_ID", after, hash, max);
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

  private List<JpaPid> ids(String sql, long after, Object criterion, int max) {
    return transactions.withSystemRequest().readOnly().execute(() -> {
      List<?> rows = entityManager.createNativeQuery(sql).setParameter(1, after).setParameter(2, criterion)
          .setMaxResults(max).getResultList();
      List<JpaPid> pids = new ArrayList<>(rows.size());
      for (Object row : rows) {
        pids.add(JpaPid.fromId(((Number) row).longValue()));
      }
      return pids;
    });
  }
}
