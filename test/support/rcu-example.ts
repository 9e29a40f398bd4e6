// A writer with synchronize_rcu() between its stores and a reader of both, optionally inside
// rcu_read_lock(): LKMM's RCU-MP written as KVM code (shared by the checks and CLI tests).
export const rcuExample = (o: { readLock: boolean; sync: boolean }): string => [
  'struct kvm { int *old_slots; int gen; };',
  '',
  'void update_slots(struct kvm *kvm)',
  '{',
  '    WRITE_ONCE(kvm->gen, 1);',
  o.sync ? '    synchronize_rcu();' : '',
  '    WRITE_ONCE(kvm->old_slots, 0);',
  '}',
  '',
  'int reader(struct kvm *kvm)',
  '{',
  '    int r0, r1;',
  '',
  o.readLock ? '    rcu_read_lock();' : '',
  '    r0 = READ_ONCE(kvm->old_slots);',
  '    r1 = READ_ONCE(kvm->gen);',
  o.readLock ? '    rcu_read_unlock();' : '',
  '    return r0 + r1;',
  '}',
  '',
].join('\n');
