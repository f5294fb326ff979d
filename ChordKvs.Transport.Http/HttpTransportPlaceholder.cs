namespace ChordKvs.Transport.Http;
