#pragma once

#include <QHostAddress>
#include <QTcpSocket>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace sd::test {

// A port on a 127.0.0.x address that never completes a connection, as a black-holed address does (a DROP
// rule needs root): a listening socket whose accept queue is full and never drained, so the kernel leaves
// new SYNs unanswered. `port` 0 picks a free one.
class BlackHole final
{
    Q_DISABLE_COPY_MOVE(BlackHole)

public:
    explicit BlackHole(const char *address, quint16 wanted = 0)
    {
        m_listener = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(wanted);
        ::inet_pton(AF_INET, address, &a.sin_addr);
        if (::bind(m_listener, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0 ||
            ::listen(m_listener, 0) != 0)
            return;
        socklen_t len = sizeof a;
        ::getsockname(m_listener, reinterpret_cast<sockaddr *>(&a), &len);
        port = ntohs(a.sin_port);
        for (auto &f : m_fill) { // fill the queue; these are never accepted
            f.connectToHost(QHostAddress(QString::fromLatin1(address)), port);
            f.waitForConnected(200);
        }
    }
    ~BlackHole() { ::close(m_listener); }
    quint16 port = 0; // 0: the address could not be bound

private:
    int m_listener = -1;
    QTcpSocket m_fill[2];
};

} // namespace sd::test
