#!/usr/bin/env python3
"""A FUSE file system whose fsync can be made to hang, for the reliability suite.

Usage: faultfs.py BACKING MOUNTPOINT (as root). It mounts MOUNTPOINT as a pass-through view of
the flat directory BACKING and answers the kernel itself over /dev/fuse, so it needs neither
libfuse nor fusermount: only the kernel's FUSE driver and the standard library (ctypes for
mount(2)). Every read and write goes to the backing file; so does every fsync, unless fsyncs are
held.

Commands, one a line on standard input:
  hold      from now on, an fsync is not answered: the caller's fsync(2) blocks in the kernel
  release   answer every held fsync (after forcing the backing file) and stop holding
  status    print "status held=H fsyncs=F writes=W"
End of input releases everything, unmounts and exits, so a test that dies cannot leave a caller
blocked forever. Standard output says "mounted" once the kernel has initialised the connection,
and "held N" each time an fsync starts waiting.

Only what a log writer needs is implemented: regular files in one directory, created, read,
written, truncated, forced, renamed and removed. Anything else answers ENOSYS or EPERM.
"""
import ctypes
import errno
import os
import stat
import struct
import sys
import threading

# Opcodes of the FUSE protocol (include/uapi/linux/fuse.h).
LOOKUP, FORGET, GETATTR, SETATTR = 1, 2, 3, 4
MKNOD, MKDIR, UNLINK, RMDIR, RENAME = 8, 9, 10, 11, 12
OPEN, READ, WRITE, STATFS, RELEASE = 14, 15, 16, 17, 18
FSYNC, FLUSH, INIT, OPENDIR, READDIR, RELEASEDIR, FSYNCDIR = 20, 25, 26, 27, 28, 29, 30
ACCESS, CREATE, INTERRUPT, DESTROY, BATCH_FORGET = 34, 35, 36, 38, 42

IN_HEADER = struct.Struct("<IIQQIIIHH")
OUT_HEADER = struct.Struct("<IiQ")
ATTR = struct.Struct("<QQQQQQIIIIIIIIII")
ENTRY_OUT = struct.Struct("<QQQQII")
ATTR_OUT = struct.Struct("<QII")
OPEN_OUT = struct.Struct("<QII")
RW_IN = struct.Struct("<QQIIQII")
SETATTR_IN = struct.Struct("<IIQQQQQQIIIIIIII")
CREATE_IN = struct.Struct("<IIII")
FSYNC_IN = struct.Struct("<QII")
INIT_IN = struct.Struct("<IIII")
INIT_OUT = struct.Struct("<IIIIHHIIHHII24x")
KSTATFS = struct.Struct("<QQQQQIIII24x")
DIRENT = struct.Struct("<QQII")

FATTR_MODE, FATTR_SIZE, FATTR_FH = 1, 8, 64
FUSE_BIG_WRITES = 32
MAX_WRITE = 128 * 1024
ROOT = 1


class FaultFs:
    def __init__(self, backing, mountpoint):
        self.backing = backing
        self.mountpoint = mountpoint
        self.device = os.open("/dev/fuse", os.O_RDWR)
        self.names = {}  # node id -> file name
        self.nodes = {}  # file name -> node id
        self.handles = {}  # file handle -> backing descriptor
        self.next_node = 2
        self.next_handle = 1
        self.lock = threading.Lock()
        self.holding = False
        self.held = []  # (unique, descriptor) of fsyncs not answered yet
        self.fsyncs = 0
        self.writes = 0
        self.stopping = False

    # -- mounting ---------------------------------------------------------------------------

    def mount(self):
        libc = ctypes.CDLL(None, use_errno=True)
        options = "fd=%d,rootmode=40000,user_id=0,group_id=0,default_permissions" % self.device
        nosuid_nodev = 2 | 4
        if libc.mount(b"faultfs", self.mountpoint.encode(), b"fuse", nosuid_nodev,
                      options.encode()) != 0:
            code = ctypes.get_errno()
            raise OSError(code, "mount -t fuse %s: %s" % (self.mountpoint, os.strerror(code)))

    def unmount(self):
        libc = ctypes.CDLL(None, use_errno=True)
        detach = 2
        libc.umount2(self.mountpoint.encode(), detach)

    # -- answering the kernel ---------------------------------------------------------------

    def reply(self, unique, body=b"", error=0):
        data = b"" if error else body
        message = OUT_HEADER.pack(OUT_HEADER.size + len(data), -error, unique) + data
        try:
            os.write(self.device, message)
        except OSError as e:
            # ENOENT: the caller was interrupted and the kernel forgot the request.
            if e.errno not in (errno.ENOENT, errno.ENODEV):
                raise

    def serve(self):
        while True:
            try:
                request = os.read(self.device, MAX_WRITE + 4096)
            except OSError as e:
                if e.errno in (errno.EINTR, errno.EAGAIN, errno.ENOENT):
                    continue
                if e.errno == errno.ENODEV:  # unmounted
                    return
                raise
            length, opcode, unique, node, _uid, _gid, _pid, _ext, _pad = \
                IN_HEADER.unpack_from(request)
            body = request[IN_HEADER.size:length]
            try:
                self.dispatch(opcode, unique, node, body)
            except OSError as e:
                self.reply(unique, error=e.errno or errno.EIO)
            if opcode == DESTROY:
                return

    def dispatch(self, opcode, unique, node, body):
        if opcode in (FORGET, BATCH_FORGET, INTERRUPT):
            return  # no answer is expected; node ids are never reused here
        handler = {
            INIT: self.init, LOOKUP: self.lookup, GETATTR: self.getattr, SETATTR: self.setattr,
            OPEN: self.open, CREATE: self.create, READ: self.read, WRITE: self.write,
            FLUSH: self.empty, RELEASE: self.release, FSYNC: self.fsync, STATFS: self.statfs,
            OPENDIR: self.opendir, READDIR: self.readdir, RELEASEDIR: self.empty,
            FSYNCDIR: self.empty, UNLINK: self.unlink, RENAME: self.rename, DESTROY: self.empty,
            MKDIR: self.refuse, MKNOD: self.refuse, RMDIR: self.refuse,
        }.get(opcode)
        if handler is None:
            self.reply(unique, error=errno.ENOSYS)
        else:
            handler(unique, node, body)

    def init(self, unique, _node, body):
        major, minor, readahead, _flags = INIT_IN.unpack_from(body)
        self.reply(unique, INIT_OUT.pack(7, min(minor, 31), readahead, FUSE_BIG_WRITES,
                                         16, 12, MAX_WRITE, 1, 0, 0, 0, 0))
        print("mounted", flush=True)

    def empty(self, unique, _node, _body):
        self.reply(unique)

    def refuse(self, unique, _node, _body):
        self.reply(unique, error=errno.EPERM)

    # -- names and attributes ---------------------------------------------------------------

    def path(self, node):
        if node == ROOT:
            return self.backing
        name = self.names.get(node)
        if name is None:
            raise OSError(errno.ENOENT, "unknown node")
        return os.path.join(self.backing, name)

    def node_of(self, name):
        with self.lock:
            if name not in self.nodes:
                self.nodes[name] = self.next_node
                self.names[self.next_node] = name
                self.next_node += 1
            return self.nodes[name]

    @staticmethod
    def attr(node, st):
        return ATTR.pack(node, st.st_size, st.st_blocks, int(st.st_atime), int(st.st_mtime),
                         int(st.st_ctime), st.st_atime_ns % 10**9, st.st_mtime_ns % 10**9,
                         st.st_ctime_ns % 10**9, st.st_mode, st.st_nlink, st.st_uid, st.st_gid,
                         0, 4096, 0)

    def entry(self, node, st):
        # Nothing is cached: every size the kernel reports comes from the backing file.
        return ENTRY_OUT.pack(node, 0, 0, 0, 0, 0) + self.attr(node, st)

    @staticmethod
    def name(body):
        return body.split(b"\0", 1)[0].decode()

    def lookup(self, unique, node, body):
        if node != ROOT:
            raise OSError(errno.ENOTDIR, "flat file system")
        name = self.name(body)
        st = os.lstat(os.path.join(self.backing, name))
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.ENOENT, "regular files only")
        child = self.node_of(name)
        self.reply(unique, self.entry(child, st))

    def getattr(self, unique, node, _body):
        st = os.lstat(self.path(node))
        self.reply(unique, ATTR_OUT.pack(0, 0, 0) + self.attr(node, st))

    def setattr(self, unique, node, body):
        fields = SETATTR_IN.unpack_from(body)
        valid, handle, size, mode = fields[0], fields[2], fields[3], fields[11]
        path = self.path(node)
        if valid & FATTR_SIZE:
            if valid & FATTR_FH and handle in self.handles:
                os.ftruncate(self.handles[handle], size)
            else:
                os.truncate(path, size)
        if valid & FATTR_MODE:
            os.chmod(path, stat.S_IMODE(mode))
        self.getattr(unique, node, body)

    def statfs(self, unique, _node, _body):
        st = os.statvfs(self.backing)
        self.reply(unique, KSTATFS.pack(st.f_blocks, st.f_bfree, st.f_bavail, st.f_files,
                                        st.f_ffree, st.f_bsize, 255, st.f_frsize, 0))

    # -- files --------------------------------------------------------------------------------

    def remember(self, descriptor):
        with self.lock:
            handle = self.next_handle
            self.next_handle += 1
            self.handles[handle] = descriptor
            return handle

    def open(self, unique, node, body):
        flags = struct.unpack_from("<I", body)[0]
        # Offsets come from the kernel, so O_APPEND is not passed on; O_TRUNC arrives as SETATTR.
        descriptor = os.open(self.path(node), flags & os.O_ACCMODE)
        self.reply(unique, OPEN_OUT.pack(self.remember(descriptor), 0, 0))

    def create(self, unique, node, body):
        if node != ROOT:
            raise OSError(errno.ENOTDIR, "flat file system")
        flags, mode, umask, _open_flags = CREATE_IN.unpack_from(body)
        name = self.name(body[CREATE_IN.size:])
        path = os.path.join(self.backing, name)
        descriptor = os.open(path, (flags & os.O_ACCMODE) | os.O_CREAT | (flags & os.O_EXCL),
                             stat.S_IMODE(mode) & ~umask)
        child = self.node_of(name)
        self.reply(unique, self.entry(child, os.fstat(descriptor))
                   + OPEN_OUT.pack(self.remember(descriptor), 0, 0))

    def read(self, unique, _node, body):
        handle, offset, size = RW_IN.unpack_from(body)[:3]
        self.reply(unique, os.pread(self.handles[handle], size, offset))

    def write(self, unique, _node, body):
        handle, offset, size = RW_IN.unpack_from(body)[:3]
        data = body[RW_IN.size:RW_IN.size + size]
        written = os.pwrite(self.handles[handle], data, offset)
        with self.lock:
            self.writes += 1
        self.reply(unique, struct.pack("<II", written, 0))

    def release(self, unique, _node, body):
        handle = struct.unpack_from("<Q", body)[0]
        with self.lock:
            descriptor = self.handles.pop(handle, None)
            # A held fsync keeps its descriptor until it is answered.
            still_held = any(d == descriptor for _, d in self.held)
        if descriptor is not None and not still_held:
            os.close(descriptor)
        self.reply(unique)

    def fsync(self, unique, _node, body):
        handle = FSYNC_IN.unpack_from(body)[0]
        descriptor = self.handles[handle]
        with self.lock:
            self.fsyncs += 1
            if self.holding:
                self.held.append((unique, descriptor))
                print("held %d" % len(self.held), flush=True)
                return
        os.fsync(descriptor)
        self.reply(unique)

    def unlink(self, unique, node, body):
        os.unlink(os.path.join(self.path(node), self.name(body)))
        self.reply(unique)

    def rename(self, unique, node, body):
        _new_dir = struct.unpack_from("<Q", body)[0]
        old, new = body[8:].split(b"\0")[:2]
        os.rename(os.path.join(self.path(node), old.decode()),
                  os.path.join(self.backing, new.decode()))
        self.reply(unique)

    def opendir(self, unique, _node, _body):
        self.reply(unique, OPEN_OUT.pack(0, 0, 0))

    def readdir(self, unique, _node, body):
        _handle, offset, size = RW_IN.unpack_from(body)[:3]
        names = sorted(os.listdir(self.backing))
        out = b""
        for index in range(offset, len(names)):
            name = names[index].encode()
            record = DIRENT.pack(self.node_of(names[index]), index + 1, len(name), 8) + name
            record += b"\0" * (-len(record) % 8)
            if len(out) + len(record) > size:
                break
            out += record
        self.reply(unique, out)

    # -- control ------------------------------------------------------------------------------

    def release_held(self):
        with self.lock:
            self.holding = False
            held, self.held = self.held, []
        for unique, descriptor in held:
            try:
                os.fsync(descriptor)
                self.reply(unique)
            except OSError as e:
                self.reply(unique, error=e.errno or errno.EIO)

    def control(self):
        for line in sys.stdin:
            command = line.strip()
            if command == "hold":
                with self.lock:
                    self.holding = True
                print("holding", flush=True)
            elif command == "release":
                self.release_held()
                print("released", flush=True)
            elif command == "status":
                with self.lock:
                    print("status held=%d fsyncs=%d writes=%d"
                          % (len(self.held), self.fsyncs, self.writes), flush=True)
            elif command:
                print("unknown command: " + command, flush=True)
        self.release_held()
        self.unmount()


def main(backing, mountpoint):
    fs = FaultFs(os.path.abspath(backing), os.path.abspath(mountpoint))
    fs.mount()
    threading.Thread(target=fs.control, daemon=True).start()
    fs.serve()
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
