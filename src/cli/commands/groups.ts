/**
 * `tessera groups ...` and `tessera permissions ...`: Django's groups and permissions from the
 * command line (what Django does in its admin or a shell: `user.groups.add(group)`,
 * `group.permissions.add(permission)`). Permissions are named `app_label.codename`; a missing
 * group or permission row is created as Django would. With REVOKE_ON_PRIVILEGE_CHANGE (default
 * on) every user a change touches has their tokens cut off; running servers see it within
 * USER_CACHE_TTL, at once with REDIS_URL (the change is announced on Redis).
 */
import { Command } from 'commander';
import { loadSettings } from '../../config/load-settings.js';
import type { Settings } from '../../config/settings.js';
import type { PermissionStore } from '../../model/permissions.js';
import type { CutOffRecord, Store } from '../../model/store.js';
import { openStore } from '../../stores/open-store.js';
import { changePrivileges } from '../../users/privilege-change.js';
import { announceUserChanges, recordCliAudit } from '../announce-user-changes.js';

async function withStore<T>(work: (store: Store, settings: Settings, permissions: PermissionStore) => Promise<T>): Promise<T> {
  const { settings } = loadSettings();
  const store = await openStore(settings.DATABASE_URL);
  try {
    await store.migrate();
    if (store.permissions === undefined) throw new Error('this store keeps no groups and permissions');
    return await work(store, settings, store.permissions);
  } finally {
    await store.close();
  }
}

async function userIdOf(store: Store, username: string): Promise<number> {
  const user = await store.findUser('username', username);
  if (user === undefined) throw new Error(`user '${username}' does not exist`);
  return user.id;
}

/** Runs one change with the cut-off policy, audits it, announces it, and says what it did. */
async function change(
  action: string,
  target: string,
  run: (permissions: PermissionStore, store: Store) => Promise<number[]>,
): Promise<void> {
  await withStore(async (store, settings) => {
    const now = new Date();
    // The cut-offs made, as the revocation feed's push carries them (stand-alone verifiers on Redis).
    const cutOffs: CutOffRecord[] = [];
    const cutOffTokens = async (userId: number, at: Date): Promise<number> => {
      const version = await store.cutOffTokens(userId, at);
      const user = await store.findUser('id', userId);
      if (user !== undefined) cutOffs.push({ userId, username: user.username, email: user.email, version, at });
      return version;
    };
    const outcome = await changePrivileges({ settings, store: { permissions: store.permissions, cutOffTokens } }, now, (permissions) =>
      run(permissions, store),
    );
    if (outcome.changed.length > 0) {
      await recordCliAudit(store, {
        at: now,
        action,
        targetUserId: outcome.changed.length === 1 ? (outcome.changed[0] ?? null) : null,
        target,
        detail: `with tessera; ${outcome.changed.length} user${outcome.changed.length === 1 ? '' : 's'} changed${outcome.cutOff ? '; tokens issued before cut off' : ''}`,
      });
      await announceUserChanges(settings, outcome.changed, cutOffs);
    }
    const users = outcome.changed.length;
    process.stdout.write(
      users === 0
        ? 'Nothing changed.\n'
        : `Changed ${users} user${users === 1 ? '' : 's'}${outcome.cutOff ? '; their tokens issued before are cut off' : ''}.\n`,
    );
  });
}

export function groupsCommand(): Command {
  const groups = new Command('groups').description(
    "Django's groups: list, create, delete, add or remove users, grant or revoke permissions",
  );
  groups
    .command('list')
    .description('Lists every group with its members count and permissions')
    .action(() =>
      withStore(async (_store, _settings, permissions) => {
        for (const group of await permissions.listGroups()) {
          process.stdout.write(`${group.name}\t${group.members} member${group.members === 1 ? '' : 's'}\t${group.permissions.join(' ')}\n`);
        }
      }),
    );
  groups
    .command('create')
    .argument('<group>')
    .action((name: string) =>
      withStore(async (_store, _settings, permissions) => {
        process.stdout.write((await permissions.createGroup(name)) ? `Group '${name}' created.\n` : `Group '${name}' already exists.\n`);
      }),
    );
  groups
    .command('delete')
    .argument('<group>')
    .action((name: string) => change('group.delete', name, (permissions) => permissions.deleteGroup(name)));
  groups
    .command('add')
    .description('Puts a user in a group (created if missing)')
    .argument('<username>')
    .argument('<group>')
    .action((username: string, group: string) =>
      change('group.add_user', `${username} -> ${group}`, async (permissions, store) =>
        permissions.addUserToGroup(await userIdOf(store, username), group),
      ),
    );
  groups
    .command('remove')
    .description('Takes a user out of a group')
    .argument('<username>')
    .argument('<group>')
    .action((username: string, group: string) =>
      change('group.remove_user', `${username} -> ${group}`, async (permissions, store) =>
        permissions.removeUserFromGroup(await userIdOf(store, username), group),
      ),
    );
  groups
    .command('grant')
    .description('Grants a group a permission (app_label.codename)')
    .argument('<group>')
    .argument('<permission>')
    .action((group: string, permission: string) =>
      change('group.grant', `${group}: ${permission}`, (permissions) => permissions.grantGroupPermission(group, permission)),
    );
  groups
    .command('revoke')
    .argument('<group>')
    .argument('<permission>')
    .action((group: string, permission: string) =>
      change('group.revoke', `${group}: ${permission}`, (permissions) => permissions.revokeGroupPermission(group, permission)),
    );
  return groups;
}

export function permissionsCommand(): Command {
  const permissions = new Command('permissions').description("Django's user permissions: show, grant, revoke (app_label.codename)");
  permissions
    .command('list')
    .description('Lists every permission, or with a username their groups and effective permissions')
    .argument('[username]')
    .action((username: string | undefined) =>
      withStore(async (store, _settings, permissions) => {
        if (username === undefined) {
          for (const row of await permissions.listPermissions()) process.stdout.write(`${row.codename}\t${row.name}\n`);
          return;
        }
        const user = await store.findUser('username', username);
        if (user === undefined) throw new Error(`user '${username}' does not exist`);
        const { groups, permissions: held } = await permissions.authorizationOf(user.id);
        const note = !user.isActive ? ' (inactive: none apply)' : user.isSuperuser ? ' (superuser: has every permission)' : '';
        process.stdout.write(`groups: ${groups.join(' ')}\npermissions${note}: ${held.join(' ')}\n`);
      }),
    );
  permissions
    .command('grant')
    .argument('<username>')
    .argument('<permission>')
    .action((username: string, permission: string) =>
      change('permission.grant', `${username}: ${permission}`, async (held, store) =>
        held.grantUserPermission(await userIdOf(store, username), permission),
      ),
    );
  permissions
    .command('revoke')
    .argument('<username>')
    .argument('<permission>')
    .action((username: string, permission: string) =>
      change('permission.revoke', `${username}: ${permission}`, async (held, store) =>
        held.revokeUserPermission(await userIdOf(store, username), permission),
      ),
    );
  return permissions;
}
