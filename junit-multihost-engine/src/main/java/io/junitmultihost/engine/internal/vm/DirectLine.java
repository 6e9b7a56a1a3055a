package io.junitmultihost.engine.internal.vm;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One direct TCP connection between the controller and a remote JVM, either end. Before anything
 * else both prove they hold the run's token (which reached the host over SSH) without sending it:
 *
 * <pre>
 * controller -> VM   HELLO      nonce_c, VM id
 * VM -> controller   CHALLENGE  nonce_v, HMAC(token, "vm" nonce_c nonce_v id)
 * controller -> VM   PROOF      HMAC(token, "controller" nonce_c nonce_v id)
 * </pre>
 *
 * The VM reads nothing but these small frames until the proof checks out, so an unauthenticated
 * peer gets nothing deserialized; a fresh nonce_v per connection makes a recorded handshake useless.
 * The controller checks the VM's proof first, so it sends its code to, and reads results from, the
 * VM only. Every later frame carries an HMAC under a key of its direction and session, over a
 * sequence number, so frames cannot be forged, replayed or reordered by someone on the path
 * (they are not encrypted: the code and results are readable there).
 */
final class DirectLine implements AutoCloseable {

    private static final String ALGORITHM = "HmacSHA256";
    private static final int NONCE = 16;
    private static final int MAC = 32;
    /** The most a handshake frame carries: a nonce and a VM id. */
    private static final int HANDSHAKE_MAX = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private Mac sending;
    private Mac receiving;
    private long sent;
    private long received;
    /** What each frame's HMAC covers before its payload (sequence number, type, call, length), each way. */
    private final ByteBuffer sendingHeader = ByteBuffer.allocate(21);
    private final ByteBuffer receivingHeader = ByteBuffer.allocate(21);

    /** What refused a peer during the handshake: it did not prove it holds the token, or said something else. */
    static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private DirectLine(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
    }

    /** The controller's end: proves itself to VM {@code vmId} on {@code socket} and checks that the VM can. */
    static DirectLine open(Socket socket, byte[] token, String vmId) throws IOException {
        DirectLine line = new DirectLine(socket);
        byte[] ours = nonce();
        byte[] id = vmId.getBytes(StandardCharsets.UTF_8);
        line.writePlain(new Frame(Frame.Type.HELLO, 0, concat(ours, id)));
        Frame challenge = Frame.readFrom(line.in, HANDSHAKE_MAX);
        if (challenge.type() != Frame.Type.CHALLENGE || challenge.payload().length != NONCE + MAC) {
            throw new Refused("the peer answered " + challenge.type() + ", not a junit-multihost VM's challenge");
        }
        byte[] theirs = Arrays.copyOf(challenge.payload(), NONCE);
        byte[] proof = Arrays.copyOfRange(challenge.payload(), NONCE, NONCE + MAC);
        if (!MessageDigest.isEqual(proof, hmac(token, "vm", ours, theirs, id))) {
            throw new Refused("the peer did not prove it holds the run's token: it is not VM [" + vmId + "]");
        }
        line.writePlain(new Frame(Frame.Type.PROOF, 0, hmac(token, "controller", ours, theirs, id)));
        line.keys(token, ours, theirs, id, "c2v", "v2c");
        return line;
    }

    /** The VM's end: the peer on {@code socket} must prove it holds the token, before anything else is read. */
    static DirectLine accept(Socket socket, byte[] token, String vmId) throws IOException {
        DirectLine line = new DirectLine(socket);
        byte[] id = vmId.getBytes(StandardCharsets.UTF_8);
        Frame hello = Frame.readFrom(line.in, HANDSHAKE_MAX);
        if (hello.type() != Frame.Type.HELLO || hello.payload().length <= NONCE
                || !Arrays.equals(Arrays.copyOfRange(hello.payload(), NONCE, hello.payload().length), id)) {
            throw new Refused("the peer did not greet VM [" + vmId + "] (" + hello.type() + ")");
        }
        byte[] theirs = Arrays.copyOf(hello.payload(), NONCE);
        byte[] ours = nonce();
        line.writePlain(new Frame(Frame.Type.CHALLENGE, 0, concat(ours, hmac(token, "vm", theirs, ours, id))));
        Frame proof = Frame.readFrom(line.in, HANDSHAKE_MAX);
        if (proof.type() != Frame.Type.PROOF
                || !MessageDigest.isEqual(proof.payload(), hmac(token, "controller", theirs, ours, id))) {
            throw new Refused("the peer did not prove it holds the run's token");
        }
        line.keys(token, theirs, ours, id, "v2c", "c2v");
        return line;
    }

    /** Loads what a handshake needs (the HMAC provider, the random source), which costs a cold JVM tens of milliseconds. */
    static void warmUp() {
        mac(nonce()).doFinal(nonce());
    }

    private void keys(byte[] token, byte[] controllerNonce, byte[] vmNonce, byte[] id, String send, String receive) {
        sending = mac(hmac(token, send, controllerNonce, vmNonce, id));
        receiving = mac(hmac(token, receive, controllerNonce, vmNonce, id));
    }

    /** Sends {@code frame} with its HMAC. */
    void write(Frame frame) throws IOException {
        frame.writeUnflushed(out);
        out.write(tag(sending, sendingHeader, sent++, frame));
        out.flush();
    }

    /** The next frame; an IOException when its HMAC does not check out (then the line is no good). */
    Frame read() throws IOException {
        Frame frame = Frame.readFrom(in);
        byte[] tag = in.readNBytes(MAC);
        if (tag.length < MAC) {
            throw new EOFException("closed inside a frame");
        }
        if (!MessageDigest.isEqual(tag, tag(receiving, receivingHeader, received++, frame))) {
            throw new Refused("a frame with a wrong HMAC: forged, replayed or out of order");
        }
        return frame;
    }

    Socket socket() {
        return socket;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a broken line
        }
    }

    private void writePlain(Frame frame) throws IOException {
        frame.writeTo(out);
    }

    private static byte[] tag(Mac mac, ByteBuffer header, long sequence, Frame frame) {
        header.clear();
        header.putLong(sequence).put((byte) frame.type().ordinal()).putLong(frame.call()).putInt(frame.payload().length);
        mac.update(header.array());
        return mac.doFinal(frame.payload());
    }

    private static byte[] hmac(byte[] key, String label, byte[] controllerNonce, byte[] vmNonce, byte[] id) {
        Mac mac = mac(key);
        mac.update(("junit-multihost direct " + label + "\n").getBytes(StandardCharsets.UTF_8));
        mac.update(controllerNonce);
        mac.update(vmNonce);
        return mac.doFinal(id);
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is missing from this Java: " + e, e);
        }
    }

    private static byte[] nonce() {
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
