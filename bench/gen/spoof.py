# Sends UDP datagrams on loopback with a chosen source port (raw socket, needs root).
# The bench's ICE agent uses it to send connectivity checks "from" a generator transport's
# port, so that the generator's mediasoup worker (ICE-lite, like the SFU) can be the client.
# stdin: one line per datagram: "<srcIp> <srcPort> <dstIp> <dstPort> <hex payload>" (loopback, or the bench namespace's Janus address).
import socket, struct, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
for line in sys.stdin:
    src_ip, src, dst_ip, dst, hexpayload = line.split()
    if not all(ip.startswith('127.') or ip == '10.255.77.1' for ip in (src_ip, dst_ip)):
        continue
    payload = bytes.fromhex(hexpayload)
    udp = struct.pack('!HHHH', int(src), int(dst), 8 + len(payload), 0) + payload
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, socket.inet_aton(src_ip), socket.inet_aton(dst_ip))
    for attempt in range(50):
        try:
            s.sendto(ip + udp, (dst_ip, 0))
            break
        except OSError as e:  # ENOBUFS under load: wait and retry, never die
            sys.stderr.write('spoof: %s\n' % e)
            time.sleep(0.01)
