"""People, their roles and business units: the Administrator's part of the portal.

Pages (views, forms, urls) made for the Administrator role; services that check who
may act (governance.policies) and write history; and the record of every role and
privilege change, however it is made (role_changes). Its URLs are governance's.
"""
