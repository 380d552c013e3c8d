// The stores a scenario runs on. A factory opens its store once per process and shares it: every scenario run
// writes to a fresh tenant, so runs never see each other. A new store joins every scenario with one line here.
namespace Hybrid.Testing

open System
open System.IO
open System.Threading.Tasks
open Hybrid
open Hybrid.InMemory.EventStore
open Hybrid.Shell.Lmdb.EventStore
open Hybrid.Shell.Postgres
open Hybrid.Testing.Postgres
open Npgsql

/// A named store that scenarios run on.
type StoreFactory =
    { Name: string
      /// The shared store (opened on first use).
      Open: unit -> Task<IEventStore> }

    override f.ToString() = f.Name

    /// A factory from a C# function; the store is opened once and shared.
    static member Create(name: string, openStore: Func<Task<IEventStore>>) =
        let shared = lazy (openStore.Invoke())
        { Name = name; Open = fun () -> shared.Value }

/// The stores scenarios run on.
module Stores =

    /// The environment variable naming a PostgreSQL server (a connection string of a role that may create databases).
    [<Literal>]
    let PostgresVariable = "HYBRID_TEST_POSTGRES"

    /// A factory whose store is opened once, on first use, and shared.
    let create (name: string) (openStore: unit -> Task<IEventStore>) =
        let shared = lazy (openStore ())
        { Name = name; Open = fun () -> shared.Value }

    /// The in-memory store.
    let inMemory = create "in-memory" (fun () -> Task.FromResult(InMemoryEventStore() :> IEventStore))

    let private createDatabase (admin: string) =
        task {
            let name = $"hybrid_scenarios_{Guid.NewGuid():N}"
            use connection = new NpgsqlConnection(admin)
            do! connection.OpenAsync()
            use create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection)
            let! _ = create.ExecuteNonQueryAsync()
            return NpgsqlConnectionStringBuilder(admin, Database = name).ConnectionString
        }

    /// PostgreSQL on a fresh database of the server the admin connection string names (migrated on open).
    let postgres (adminConnectionString: string) =
        create "PostgreSQL" (fun () ->
            task {
                let! database = createDatabase adminConnectionString
                let! store = PostgresEventStore.CreateAsync(PostgresEventStoreOptions.ForAdmin database)
                return store :> IEventStore
            })

    let private server =
        lazy
            (task {
                let named = Environment.GetEnvironmentVariable PostgresVariable
                if not (String.IsNullOrWhiteSpace named) then return named
                else
                    let! cluster = PrivatePostgresCluster.StartAsync(PrivatePostgresClusterOptions(Durable = false))
                    AppDomain.CurrentDomain.ProcessExit.Add(fun _ -> (cluster.DisposeAsync().AsTask()).GetAwaiter().GetResult())
                    return cluster.ConnectionString
            })

    /// PostgreSQL on the server HYBRID_TEST_POSTGRES names, else on a private throwaway cluster started for the process
    /// (needs PostgreSQL's server binaries; see PrivatePostgresCluster).
    let privatePostgres =
        create "PostgreSQL" (fun () ->
            task {
                let! admin = server.Value
                let! database = createDatabase admin
                let! store = PostgresEventStore.CreateAsync(PostgresEventStoreOptions.ForAdmin database)
                return store :> IEventStore
            })

    /// The embedded LMDB store in the directory (created when missing), opened without syncing each commit (a test's
    /// data need not survive a machine crash; everything else is the store as it runs in production).
    let lmdbAt (directory: string) =
        create "LMDB" (fun () ->
            let store = LmdbEventStore.Open(LmdbEventStoreOptions(Directory = directory, Durable = false))
            Task.FromResult(store :> IEventStore))

    /// The embedded LMDB store on real files in a fresh temporary directory, closed and deleted when the process exits.
    let lmdb =
        create "LMDB" (fun () ->
            let directory = Directory.CreateTempSubdirectory("hybrid-scenarios-lmdb-").FullName
            let store = LmdbEventStore.Open(LmdbEventStoreOptions(Directory = directory, Durable = false))
            AppDomain.CurrentDomain.ProcessExit.Add(fun _ ->
                store.Dispose()
                try Directory.Delete(directory, true) with :? IOException -> ())
            Task.FromResult(store :> IEventStore))
