package org.fedfhir.cli.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay: accepts on one address and relays each connection to a target, each byte delayed by
 * {@link #delay} in each direction (a far-away link: the data arrive late but at full rate). With no
 * delay it is a plain port forward. A connection the target refuses is closed at once.
 */
final class TcpRelay implements AutoCloseable {
  private static final byte[] END = new byte[0];

  /** A chunk read at one time, to be written once its delay has passed. */
  private record Chunk(long dueNanos, byte[] data) {}

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final AtomicInteger threads = new AtomicInteger();
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "tcp-relay-" + threads.incrementAndGet());
    t.setDaemon(true);
    return t;
  });
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connections = new AtomicInteger();
  private volatile long delayNanos;

  private TcpRelay(ServerSocket server, InetSocketAddress target) {
    this.server = server;
    this.target = target;
  }

  /** Listens on {@code listen} and relays to {@code target}. */
  static TcpRelay start(InetSocketAddress listen, InetSocketAddress target) {
    try {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(listen);
      TcpRelay relay = new TcpRelay(s, target);
      relay.pool.execute(relay::accept);
      return relay;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + listen, e);
    }
  }

  /** From now on, data read in either direction are written {@code d} later. */
  void delay(Duration d) {
    delayNanos = d.toNanos();
  }

  /** Connections accepted so far. */
  int connections() {
    return connections.get();
  }

  int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      connections.incrementAndGet();
      open.add(client);
      pool.execute(() -> connect(client));
    }
  }

  private void connect(Socket client) {
    Socket upstream = new Socket();
    open.add(upstream);
    try {
      upstream.connect(target, 5_000);
      client.setTcpNoDelay(true);
      upstream.setTcpNoDelay(true);
    } catch (IOException e) {
      closeBoth(client, upstream);
      return;
    }
    pump(client, upstream);
    pump(upstream, client);
  }

  private void pump(Socket from, Socket to) {
    BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    pool.execute(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream()) {
        int n;
        while ((n = in.read(buffer)) > 0) {
          queue.add(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buffer, n)));
        }
        queue.add(new Chunk(System.nanoTime() + delayNanos, END));
      } catch (IOException e) {
        closeBoth(from, to);
        queue.add(new Chunk(System.nanoTime(), END));
      }
    });
    pool.execute(() -> {
      try {
        OutputStream out = to.getOutputStream();
        while (true) {
          Chunk c = queue.take();
          long wait = c.dueNanos() - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000)); // the injected latency itself
          }
          if (c.data() == END) {
            to.shutdownOutput();
            return;
          }
          out.write(c.data());
          out.flush();
        }
      } catch (IOException e) {
        closeBoth(from, to);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  private void closeBoth(Socket a, Socket b) {
    for (Socket s : new Socket[] {a, b}) {
      try {
        s.close();
      } catch (IOException ignored) {
        // already broken
      }
      open.remove(s);
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing
      }
    }
    pool.shutdownNow();
  }
}
