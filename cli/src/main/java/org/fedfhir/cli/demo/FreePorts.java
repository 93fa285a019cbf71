package org.fedfhir.cli.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Free TCP ports on loopback, chosen by the operating system. All sockets of one call stay open until
 * every port is chosen, so the ports of one call are distinct. (Another program may still take a port
 * before the demo binds it; the demo then reports which server failed to start and why.)
 */
public final class FreePorts {
  private FreePorts() {}

  public static List<Integer> loopback(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count " + count + " is negative");
    }
    List<ServerSocket> open = new ArrayList<>();
    try {
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        ServerSocket s = new ServerSocket();
        open.add(s);
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        ports.add(s.getLocalPort());
      }
      return List.copyOf(ports);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free loopback port", e);
    } finally {
      for (ServerSocket s : open) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing a listening socket we opened; nothing to do
        }
      }
    }
  }
}
